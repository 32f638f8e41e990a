from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lrs.actions import create_client, set_client_active
from lrs.http import unversioned_label
from lrs.models import LrsClient, Scope
from org.models import Unit


class Command(BaseCommand):
    help = "Manage the key/secret credentials of LRS clients (xAPI content, other LMSs, data warehouses)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a credential and print its key and secret.")
        create.add_argument("name")
        create.add_argument(
            "--scopes",
            required=True,
            help=f"Comma or space separated xAPI scopes: {', '.join(Scope.values)}.",
        )
        create.add_argument("--unit", metavar="CODE", help="Bind the credential to this unit's subtree (unit code).")
        create.add_argument(
            "--xapi-version",
            choices=[v for v in LrsClient.XapiVersion.values if v],
            default="",
            help=(
                "Label the answers to its requests that name no X-Experience-API-Version with this version "
                "(default: the server setting LRS_UNVERSIONED_RESPONSE_VERSION)."
            ),
        )
        sub.add_parser("list", help="List the credentials.")
        disable = sub.add_parser("disable", help="Disable a credential.")
        disable.add_argument("key")
        enable = sub.add_parser("enable", help="Enable a credential again.")
        enable.add_argument("key")

    def handle(self, *args, action, **opts):
        if action == "create":
            unit = None
            if opts.get("unit"):
                unit = Unit.objects.filter(code=opts["unit"]).first()
                if unit is None:
                    raise CommandError(f"No unit with code {opts['unit']!r}.")
            try:
                client, secret = create_client(
                    name=opts["name"], scopes=opts["scopes"], unit=unit, xapi_version=opts["xapi_version"]
                )
            except ValidationError as exc:
                raise CommandError("; ".join(m for msgs in exc.message_dict.values() for m in msgs)) from exc
            self.stdout.write(f"name:   {client.name}")
            self.stdout.write(f"scopes: {client.scopes}")
            self.stdout.write(f"unit:   {unit.code + ' ' + unit.name if unit else '(national)'}")
            self.stdout.write(f"xapi:   {_version(client)}")
            self.stdout.write(f"key:    {client.key}")
            self.stdout.write(f"secret: {secret}")
            self.stdout.write("The secret is shown only now; store it safely.")
        elif action == "list":
            for c in LrsClient.objects.select_related("unit").order_by("name"):
                state = "active" if c.is_active else "disabled"
                where = c.unit.code if c.unit_id else "national"
                version = c.xapi_version or "server"
                self.stdout.write(f"{c.key}  {state:8}  {where:10}  {version:6}  {c.scopes:40}  {c.name}")
        else:
            client = LrsClient.objects.filter(key=opts["key"]).first()
            if client is None:
                raise CommandError(f"No credential with key {opts['key']!r}.")
            set_client_active(client=client, active=action == "enable")
            self.stdout.write(f"{client.key} {'enabled' if action == 'enable' else 'disabled'}.")


def _version(client: LrsClient) -> str:
    """The label of its answers to requests without X-Experience-API-Version, and where it comes from."""
    if client.xapi_version:
        return client.xapi_version
    return f"{unversioned_label()} (server setting LRS_UNVERSIONED_RESPONSE_VERSION)"
