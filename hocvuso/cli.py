"""The ``hocvuso`` console script: Django's management commands for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")
    from django.core.management import execute_from_command_line

    from hocvuso.lib.env import EnvError

    try:
        execute_from_command_line(sys.argv)
    except EnvError as exc:
        # A configuration mistake deserves one clear line, not a traceback.
        sys.stderr.write(f"hocvuso: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
