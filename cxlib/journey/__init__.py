"""Journey mapping: funnels, paths, transitions, cart abandonment and channel attribution.

How customers move through touchpoints and channels, where they leave, and which channels
deserve credit for the conversions. Heavy work (funnels, paths, transitions, touchpoint
paths) runs on the user's backend through Narwhals; the small results come back as pandas
frames inside result objects with ``.table``, ``.figure()`` and ``.summary()``.
"""

from cxlib.journey.abandonment import CartAbandonmentResult, cart_abandonment
from cxlib.journey.attribution import METHODS, AttributionResult, attribution
from cxlib.journey.funnels import FunnelDropouts, FunnelResult, funnel, parse_steps
from cxlib.journey.paths import PathsResult, StepMatrixResult, paths, step_matrix
from cxlib.journey.transitions import TransitionsResult, transitions

__all__ = [
    "METHODS",
    "AttributionResult",
    "CartAbandonmentResult",
    "FunnelDropouts",
    "FunnelResult",
    "PathsResult",
    "StepMatrixResult",
    "TransitionsResult",
    "attribution",
    "cart_abandonment",
    "funnel",
    "parse_steps",
    "paths",
    "step_matrix",
    "transitions",
]
