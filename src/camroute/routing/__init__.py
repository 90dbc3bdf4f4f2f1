"""Camera routing by sight: which cameras can see the caller's uncertainty region.

Pure core: imports no web framework, database or settings.
"""

from camroute.routing.index import CameraIndex
from camroute.routing.models import Cover, RankedCamera, Reason, RouteResult
from camroute.routing.rank import rank_cameras

__all__ = ["CameraIndex", "Cover", "RankedCamera", "Reason", "RouteResult", "rank_cameras"]
