#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.10 at the newest).
# A pyenv shim named python3.10 exists even when 3.10 is not the active version, so each
# candidate is asked for its version rather than trusted by name.
set -u
candidates=("${PYTHON310:-}" python3.10)
if command -v pyenv >/dev/null 2>&1; then
  candidates+=("$(pyenv root)"/versions/3.10*/bin/python3.10)
fi
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  if "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
    "$c" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
cat >&2 <<'MSG'
DigiStokvel needs Python 3.10 (Rasa 3.6 does not run on newer versions) and none was found.
Install it, then run make again:
  pyenv install 3.10          # with pyenv
  apt-get install python3.10  # or from your distribution, where it has it
or point to one you have:  make PYTHON310=/path/to/python3.10 ...
MSG
exit 1
