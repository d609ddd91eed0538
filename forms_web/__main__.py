"""Serve the web forms with waitress: `python -m forms_web [--host H] [--port N]`."""

import argparse

from waitress import serve

from forms_web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description="DigiStokvel web forms")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    serve(create_app(), host=args.host, port=args.port, threads=4, ident="digistokvel-forms")


if __name__ == "__main__":
    main()
