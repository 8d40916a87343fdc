"""Did the customer agree? A deliberately strict reading of a short reply.

Only a clear yes counts. Anything hedged ("yes but…", "actually…", "wait") or negative is not a yes,
because a write that the customer did not mean is worse than one more question.
"""

from __future__ import annotations

import re
from typing import Literal

Answer = Literal["yes", "no", "unclear"]

_YES = re.compile(
    r"\b(yes|yeah|yea|yep|yup|ya|sure|ok|okay|k|please do|go ahead|go for it|book it|book that|do it|"
    r"sounds good|sounds great|that works|works for me|that'?s fine|fine by me|perfect|correct|confirm(ed)?|"
    r"absolutely|definitely|of course|let'?s do it|please book|yes please|right|exactly|affirmative|"
    r"that'?s right|all good|looks good|great)\b"
)
_NO = re.compile(
    r"\b(no|nope|nah|not|don'?t|do not|never|cancel|stop|wait|hold on|hang on|actually|instead|change|"
    r"wrong|isn'?t|wasn'?t|different|rather|but|however|hmm+|maybe|not sure|unsure)\b"
)


def classify(text: str) -> Answer:
    """'yes' only for an unhedged agreement; 'no' for a refusal or a change of mind; else 'unclear'."""
    lowered = text.lower().replace("’", "'")
    said_no = bool(_NO.search(lowered))
    said_yes = bool(_YES.search(lowered))
    if said_no:
        return "no"
    if said_yes:
        return "yes"
    return "unclear"
