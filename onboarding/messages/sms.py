"""Text messages behind one small interface: an HTTP gateway in production, a folder of files
in development and tests. Logs name the message's reference, never the number."""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not take the message; `permanent` when trying again cannot help."""

    def __init__(self, detail: str, *, permanent: bool = False):
        super().__init__(detail)
        self.permanent = permanent


@dataclass(frozen=True)
class Sms:
    to: str
    text: str
    # The same for every delivery of one message: the gateway's idempotency key.
    reference: str


class FolderGateway:
    """One JSON file per message, named by its reference (a second delivery overwrites it)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, sms: Sms) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{sms.reference}.part"
        partial.write_text(json.dumps({"to": sms.to, "text": sms.text}, ensure_ascii=False))
        partial.rename(self.folder / f"{sms.reference}.json")
        log.info("sms %s written to the folder", sms.reference)


class HttpGateway:
    """POST {"to", "text", "sender", "reference"} with a bearer token; 2xx means accepted."""

    def __init__(self, url: str, token: str | None, sender: str):
        self.url, self.token, self.sender = url, token, sender

    def send(self, sms: Sms) -> None:
        body = json.dumps(
            {"to": sms.to, "text": sms.text, "sender": self.sender, "reference": sms.reference}
        ).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # 4xx: the gateway refuses this message as it is; 5xx: it may take it later.
            raise SmsError(f"HTTP {error.code}", permanent=400 <= error.code < 500) from None
        except OSError as error:
            raise SmsError(type(error).__name__) from None
        log.info("sms %s handed to the gateway", sms.reference)


def gateway(config) -> FolderGateway | HttpGateway:
    if config.get("SMS_GATEWAY_URL"):
        return HttpGateway(
            config["SMS_GATEWAY_URL"], config.get("SMS_GATEWAY_TOKEN"), config["SMS_SENDER_NAME"]
        )
    return FolderGateway(Path(config["SMS_OUTBOX"]))


def folder_messages(folder: Path) -> list[dict]:
    """The text messages written to a folder (for tests and the demo)."""
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
