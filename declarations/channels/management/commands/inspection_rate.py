"""inspection_rate [--set FRACTION] [--replay INVT_NO ...]: the random inspection rate (ops).

Without options it shows the rate in force; ``--set`` changes it (the old rate is kept);
``--replay`` recomputes the draw of lists from their inventory numbers and the secret and
compares it with the draw recorded when they were routed, for an audit.
"""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.errors import ApplicationError
from declarations.channels.models import ChannelDecision, DecisionKind
from declarations.channels.services import inspection_draw, inspection_rate_current, inspection_rate_set


class Command(BaseCommand):
    help = "Show the random inspection rate, set it with --set FRACTION (0.05 is 5%), or --replay draws."

    def add_arguments(self, parser):
        parser.add_argument(
            "--set", dest="rate", metavar="FRACTION", help="new rate, a fraction between 0 and 1"
        )
        parser.add_argument("--note", default="", help="why the rate changes (kept with the rate)")
        parser.add_argument("--replay", nargs="+", metavar="INVT_NO", help="recompute these lists' draws")

    def handle(self, *args, rate=None, note="", replay=None, **options):
        if replay:
            return self.replay(replay)
        if rate is not None:
            try:
                inspection_rate_set(rate=rate, actor=None, note=note or "inspection_rate command")
            except ApplicationError as exc:
                raise CommandError(str(exc)) from exc
        current = inspection_rate_current()
        self.stdout.write(f"{current.normalize():f} ({current * 100:.2f}%)")
        return None

    def replay(self, numbers):
        recorded = {
            d.inventory.invt_no: d
            for d in ChannelDecision.objects.filter(kind=DecisionKind.ROUTED, inventory__invt_no__in=numbers)
            .select_related("inventory")
            .order_by("decided_at", "pk")
        }
        mismatches = 0
        for number in numbers:
            draw = inspection_draw(invt_no=number)
            decision = recorded.get(number)
            if decision is None:
                self.stdout.write(f"{number}: draw {draw}, not routed yet")
                continue
            drawn = draw < decision.inspection_rate
            same = decision.draw == draw and decision.drawn_for_inspection == drawn
            mismatches += not same
            self.stdout.write(
                f"{number}: draw {draw}, rate {decision.inspection_rate}, "
                f"{'drawn' if drawn else 'not drawn'}; recorded {decision.draw}: {'match' if same else 'MISMATCH'}"
            )
        if mismatches:
            raise CommandError(f"{mismatches} draw(s) do not match the record (was the secret changed?)")
