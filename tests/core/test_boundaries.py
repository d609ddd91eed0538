"""The domain core is a plain package: importing all of it pulls in no Rasa, Flask or APScheduler."""

import subprocess
import sys

from tests.core.conftest import ROOT


def test_domain_core_imports_no_framework():
    code = (
        "import sys, pkgutil, importlib, stokvel.services as s\n"
        "import stokvel.models, stokvel.money, stokvel.phone, stokvel.errors\n"
        "for m in pkgutil.iter_modules(s.__path__): importlib.import_module('stokvel.services.' + m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'rasa', 'rasa_sdk', 'flask', 'apscheduler'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
