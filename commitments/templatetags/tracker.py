"""Small presentation helpers for the public templates."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from html import escape
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from commitments.infra.paths import detail_path, detail_paths
from commitments.models import STATUS_LABELS, is_overdue

register = template.Library()

MINUS = "\u2212"  # a real minus sign: screen readers say "minus", not "dash"


@register.filter
def signed_score(value: float | int | None) -> str:
    """+1, 0, −0.5; an en dash when there is no score (nothing rated)."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(abs(value))
    return ("+" if value > 0 else MINUS) + text


@register.simple_tag
def score_basis(card: dict, plain: bool = False) -> SafeString | str:
    """A mean score with what it rests on: "+1 over 5 of 13 rated". Below the minimum of rated
    commitments (settings.SCORE_MIN_RATED) it says the score is not yet meaningful instead of
    headlining it, and still gives the figure; with nothing rated it says so. `plain` gives
    text without markup, for meta descriptions."""
    if plain:
        return strip_tags(score_basis(card))
    rated, total = card["rated"], card["total"]
    if not rated:
        return format_html("not rated yet ({} of {} rated)", rated, total)
    score = signed_score(card["mean_score"])
    if not card["score_meaningful"]:
        return format_html("too few rated for a meaningful score ({} of {} rated; mean {})", rated, total, score)
    return format_html("<strong>{}</strong> over {} of {} rated", score, rated, total)


@register.filter
def http_url(url: str) -> str:
    """Only web addresses become links; anything else (javascript:, data:) is dropped."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else ""


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current address with another page number, keeping every filter."""
    request = context["request"]
    pairs = [(key, item) for key, items in request.GET.lists() for item in items if key != "page"]
    pairs.append(("page", str(number)))
    return "?" + urlencode(pairs)


# The filter form of /commitments/ offers every theme and actor and the latest statements:
# hundreds of choices. Looped over in the template they took 8 ms of each page at 100,000
# commitments (bench/README.md); joined here, a twentieth of that.


@register.simple_tag
def check_choices(name: str, choices: Iterable[dict], chosen: Collection[str]) -> SafeString:
    """One checkbox per choice ({"slug", "name"}), ticked when its slug is chosen."""
    name = escape(name)
    return mark_safe(
        "\n".join(
            f'<label class="check"><input type="checkbox" name="{name}" value="{escape(c["slug"])}"'
            f"{' checked' if c['slug'] in chosen else ''}> {escape(c['name'])}</label>"
            for c in choices
        )
    )


@register.simple_tag
def statement_options(statements: Iterable[dict], chosen: str) -> SafeString:
    """<option>s of statements ({"slug", "title", "made_on"}), the chosen one selected."""
    return mark_safe(
        "".join(
            f'<option value="{escape(s["slug"])}"{" selected" if s["slug"] == chosen else ""}>'
            f"{escape(s['title'])} ({s['made_on'].year})</option>"
            for s in statements
        )
    )


def _short_date(value) -> str:
    # The date filter's "j M Y" (4 Sep 2024), without its format parser and translation lookups.
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


def _commitment_item(row: dict, today) -> str:
    flags = ' <span class="flag-overdue">Overdue</span>' if is_overdue(row["target_date"], row["status"], today) else ""
    if row["target_date"]:
        flags += f' <span class="meta">Target {_short_date(row["target_date"])}</span>'
    themes = " ".join(
        f'<a class="tag" href="{escape(detail_path("commitments:theme-detail", slug=t["slug"]))}">{escape(t["name"])}</a>'
        for t in row["themes"]
    )
    if themes:
        themes = '<span class="visually-hidden">Themes: </span>' + themes
    actors = ", ".join(
        f'<a href="{escape(detail_path("commitments:actor-detail", slug=a["slug"]))}">{escape(a["name"])}</a>'
        for a in row["actors"]
    )
    owed = f"Owed by {actors} · " if actors else ""
    commitment_url = detail_path("commitments:commitment-detail", slug=row["slug"])
    statement_url = detail_path("commitments:statement-detail", slug=row["statement__slug"])
    return (
        '  <li class="item">\n'
        f'    <h3 class="item-title"><a href="{escape(commitment_url)}">{escape(row["title"])}</a></h3>\n'
        f'    <p class="item-status"><span class="badge status-{escape(row["status"])}">'
        f"{escape(STATUS_LABELS[row['status']])}</span>{flags}</p>\n"
        f'    <p class="meta">{themes}</p>\n'
        f'    <p class="meta">{owed}<a href="{escape(statement_url)}">{escape(row["statement__title"])}</a>, '
        f"{_short_date(row['statement__made_on'])}</p>\n"
        "  </li>\n"
    )


@register.simple_tag
def commitment_items(rows: Iterable[dict], empty_message: str = "") -> SafeString:
    """The list of commitments of the list pages: title, status, target, themes, actors, statement.

    Written out here rather than in a template: the template engine's lookups, filters and loops
    for 25 rows were about 10 ms of /commitments/ at 100,000 commitments (bench/README.md).
    Takes plain rows (rows.list_items), which spare the page a model instance and two related
    managers per commitment.
    """
    today = timezone.localdate()
    items = "".join(_commitment_item(row, today) for row in rows)
    if not items:
        items = f'  <li class="empty">{escape(empty_message or "No commitments.")}</li>\n'
    return mark_safe(f'<ol class="items">\n{items}</ol>')


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    """A status as a coloured badge: the class names the stored value, the text its label."""
    return format_html('<span class="badge status-{}">{}</span>', status, label)


@register.simple_tag
def status_bar(by_status: list[dict], label: str, scale: int | None = None) -> str:
    """A stacked bar of status counts, as SVG in percent units so it stretches to any width.

    `scale` lets bars share one axis (e.g. the largest theme's total); by default the bar fills
    its width. Written here rather than by a template: the dashboard draws one per theme, and
    forty template renders were most of its time after an edit (bench/README.md).
    """
    total = sum(item["count"] for item in by_status)
    scale = max(scale or total, 1)
    rects, x = [], 0.0
    for item in by_status:
        if item["count"]:
            width = 100 * item["count"] / scale
            rects.append(
                f'<rect class="fill-{escape(item["status"])}" x="{round(x, 3)}" y="0" width="{round(width, 3)}"'
                f' height="10"><title>{escape(item["label"])}: {item["count"]}</title></rect>'
            )
            x += width
    parts = [f"{item['count']} {item['label'].lower()}" for item in by_status if item["count"]]
    description = escape(f"{label}: " + (", ".join(parts) if parts else "no commitments"))
    inside = "".join(rects) or '<rect class="fill-empty" x="0" y="0" width="100" height="10"></rect>'
    return mark_safe(
        f'<svg class="mix" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{description}"'
        f' focusable="false"><title>{description}</title>{inside}</svg>'
    )


@register.simple_tag
def scorecards(cards: Iterable[dict], view_name: str, empty_message: str) -> SafeString:
    """Score cards (stats.theme_scorecards, actor_scorecards) as the dashboard and the theme and
    actor lists show them: each card's name linking to `view_name` for its slug, its status bar
    and its figures.

    Written here for the reason status_bar is: forty cards through the template engine, each with
    its address reversed, were a third of the dashboard's render after an edit.
    """
    path = detail_paths(view_name)
    items = [
        "    <li>\n"
        f'      <a class="card-name" href="{escape(path(card["slug"]))}">{escape(card["name"])}</a>\n'
        f"      {status_bar(card['by_status'], card['name'])}\n"
        f'      <span class="card-figures">{card["total"]} commitment{"" if card["total"] == 1 else "s"}'
        f" · mean score {score_basis(card)}</span>\n"
        "    </li>\n"
        for card in cards
    ]
    if not items:
        items = [f'    <li class="empty">{escape(empty_message)}</li>\n']
    return mark_safe('<ul class="scorecards">\n' + "".join(items) + "  </ul>")


class CaptureNode(template.Node):
    # Declared so {% block %} tags inside still take part in template inheritance.
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        # The content was rendered with autoescaping on, so it is already safe HTML.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """{% capture name %}…{% endcapture %}: render once, use as {{ name }} several times.

    The base template captures each page's title and description block and repeats them in
    <title>, the meta description and the OpenGraph tags.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("capture takes one argument: the variable name.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])
