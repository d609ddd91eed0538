"""`python -m stokvel.payments register`: make sure our platform's wallet address exists and
publishes our signing key (creates both at the local sandbox; checks them at a real
provider). `make run` calls it once the payment provider is healthy."""

from __future__ import annotations

import argparse
import sys

from stokvel.payments.errors import PaymentError
from stokvel.payments.platform import ensure_platform_registered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stokvel.payments")
    parser.add_argument("command", choices=["register"])
    parser.parse_args(argv)
    try:
        wallet = ensure_platform_registered()
    except PaymentError as error:
        print(f"payments: {error}", file=sys.stderr)
        return 1
    print(f"payments: platform wallet {wallet.id} publishes our key (auth server {wallet.auth_server})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
