#!/usr/bin/env python3
"""SMTP sink for Vitrina's mail tests.

Listens on 127.0.0.1 with aiosmtpd, writes each accepted message to DIR as NNNN.json with
the envelope recipients and the decoded From, To, Subject and text body, and prints the
port on the first line of stdout once it accepts connections. It runs until stdin closes
or it is killed.

Usage: python3 tests/smtp/sink.py DIR
"""

import json
import os
import socket
import sys
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Handler:
    """Stores every message as one JSON file, written whole through a rename."""

    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["from"]),
            "to": str(message["to"]),
            "subject": str(message["subject"]),
            "body": body.get_content() if body is not None else "",
        }
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:04d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as file:
            json.dump(record, file, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        return "250 Message accepted"


def free_port():
    """Returns a port that was free a moment ago; aiosmtpd needs a fixed one to start."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sink.py DIR")
    controller = Controller(Handler(sys.argv[1]), hostname="127.0.0.1", port=free_port())
    controller.start()
    print(controller.port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
