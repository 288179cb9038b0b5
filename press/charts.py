"""The view-milestone chart, laid out on the server; the template draws it as SVG.

A milestone becomes a point only where its source lets us count the days since the film was posted;
the others are listed beside the chart, never placed on a guessed day.
"""

import math

WIDTH, HEIGHT = 640, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 40, 30, 50
Y_TICKS = 4


def short_number(number):
    """A view count (int) for an axis label: 23000000 -> "23M", 2500 -> "2.5k", smaller ones as they are."""
    if number >= 1_000_000:
        return f"{number / 1_000_000:g}M"
    if number >= 1_000:
        return f"{number / 1_000:g}k"
    return str(number)


def nice_top(largest):
    """The smallest round number at or above the largest value, split into Y_TICKS round steps."""
    raw_step = max(largest, 1) / Y_TICKS
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    return step * Y_TICKS, step


def milestone_chart(milestones):
    """The chart of milestones (Milestone rows of one work) as a dict for the template, in SVG user units
    (WIDTH x HEIGHT): the plot's edges, the points (x, y, label, when, milestone) ordered by day, the line
    through them, the axes' ticks (x in days after posting, y in views) and the milestones not plotted.
    None when no milestone has days_after_posting.
    """
    plotted = sorted(
        (m for m in milestones if m.days_after_posting is not None),
        key=lambda m: (m.days_after_posting, m.views),
    )
    if not plotted:
        return None
    last_day = max(m.days_after_posting for m in plotted) + 1
    top, step = nice_top(max(m.views for m in plotted))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day):
        """The horizontal position of a day after posting."""
        return round(LEFT + plot_width * day / last_day, 1)

    def y(views):
        """The vertical position of a view count (0 at the bottom)."""
        return round(TOP + plot_height * (1 - views / top), 1)

    points = [
        {
            "x": x(m.days_after_posting),
            "y": y(m.views),
            "label": f"{m.views_wording} views",
            "when": m.date_wording or m.date_display,
            "milestone": m,
        }
        for m in plotted
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "y_ticks": [{"y": y(step * i), "label": short_number(int(step * i))} for i in range(Y_TICKS + 1)],
        "x_ticks": [{"x": x(day), "label": str(day)} for day in range(last_day + 1)],
        "not_plotted": [m for m in milestones if m.days_after_posting is None],
    }
