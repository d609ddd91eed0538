"""Chat with the bot from a terminal, as a WhatsApp member, through the Twilio sandbox.

    python -m sandbox.twilio.chat [--number +27821234567] [--name Thandi] [--sandbox URL]

What you type goes through the sandbox's signed webhook, exactly as Twilio delivers it;
the bot's replies are read back from the sandbox's outbox.
"""

from __future__ import annotations

import argparse
import sys
import threading

import requests


def _outbox(sandbox: str, number: str) -> list:
    return requests.get(f"{sandbox}/outbox", params={"to": number}, timeout=5).json()


def _print_replies(sandbox: str, number: str, seen: int, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        try:
            messages = _outbox(sandbox, number)
        except requests.RequestException:
            continue  # the sandbox restarting: try again on the next tick
        for message in messages[seen:]:
            print(f"\nbot> {message['body']}\nyou> ", end="", flush=True)
        seen = len(messages)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.twilio.chat", description=__doc__)
    parser.add_argument("--number", default="+27821234567", help="your WhatsApp number (E.164)")
    parser.add_argument("--name", default="", help="your WhatsApp profile name")
    parser.add_argument("--sandbox", default="http://localhost:4010")
    args = parser.parse_args()
    sandbox = args.sandbox.rstrip("/")
    try:
        seen = len(_outbox(sandbox, args.number))
    except requests.RequestException:
        sys.exit(f"The Twilio sandbox is not reachable at {sandbox}: start it (make run) first.")
    stop = threading.Event()
    threading.Thread(
        target=_print_replies, args=(sandbox, args.number, seen, stop), daemon=True
    ).start()
    print(f"Chatting as {args.number}. Ctrl-D to leave.")
    try:
        while True:
            text = input("you> ").strip()
            if not text:
                continue
            try:
                reply = requests.post(
                    f"{sandbox}/inbound",
                    json={"from": args.number, "body": text, "profile_name": args.name},
                    timeout=20,
                )
            except requests.RequestException:
                print("(not sent: the sandbox is not reachable)")
                continue
            if reply.status_code != 200:
                print(f"(not sent: {reply.json().get('error', reply.text)})")
    except (EOFError, KeyboardInterrupt):
        print()
    finally:
        stop.set()


if __name__ == "__main__":
    main()
