"""Run the hub: ``python -m hub`` (settings from the environment)."""

from __future__ import annotations

import logging
import sys

from hub.app import create_app
from hub.logging_setup import configure_logging
from hub.settings import Settings, SettingsError


def main() -> int:
    configure_logging()
    try:
        settings = Settings.from_environment()
        app = create_app(settings)  # each channel reads its own settings
        logging.getLogger("hub").info(
            "starting on %s (channels: %s); waiting for the bot",
            settings.public_base_url,
            ", ".join(sorted(app.ctx.channels)),
        )
        # Channels check their credentials with the platform before the server takes requests.
        app.run(host=settings.host, port=settings.port, single_process=True, access_log=False, motd=False)
    except SettingsError as error:
        logging.getLogger("hub").error("cannot start: %s", error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
