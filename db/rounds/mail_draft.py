"""Email drafts (.eml, RFC 5322) with a workbook attached, for the officer to send.

``X-Unsent: 1`` makes Outlook open the file as a draft to send (Thunderbird
and others open it as a message they can edit and send again). An owner
whose address actreg does not know is addressed by name alone (an empty
group, ``"Ann Archer":;``), so the mail client asks for the address.
"""

from __future__ import annotations

import os
from email import policy
from email.headerregistry import Address, Group
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def recipient(name: str, address: str | None) -> Address | Group:
    if address:
        return Address(display_name=name, addr_spec=address)
    return Group(display_name=name)


def write_draft(
    path: Path,
    *,
    to_name: str,
    to_address: str | None,
    subject: str,
    body: str,
    attachment: Path | None,
) -> Path:
    """Write one draft to `path` (through a temporary file, renamed into place)."""
    message = EmailMessage()
    message["To"] = recipient(to_name, to_address)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="actreg.invalid")
    message["X-Unsent"] = "1"
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(
            attachment.read_bytes(),
            maintype=XLSX_TYPE[0],
            subtype=XLSX_TYPE[1],
            filename=attachment.name,
        )
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        temp.write_bytes(message.as_bytes(policy=policy.SMTP))  # CRLF line ends, as RFC 5322 says
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()
    return path
