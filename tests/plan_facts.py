"""Facts of the plan and of the province written out by hand once (from the plan's text and
/work/shared/docs/domain-notes.md), for the tests that check them from different sides."""

from __future__ import annotations

# The eight districts and cities of Đắk Nông in the order the dashboard shows them (domain notes, section 4.1).
DISTRICT_NAMES = (
    "Gia Nghĩa",
    "Cư Jút",
    "Đắk Glong",
    "Đắk Mil",
    "Đắk R'lấp",
    "Đắk Song",
    "Krông Nô",
    "Tuy Đức",
)

# The statuses an indicator can be assessed with, in the order the plan file declares them.
STATUSES = (
    "achieved",
    "not_achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
    "insufficient_data",
    "unable_to_assess",
)
