"""The instance ARN as the SSO Admin service model defines it."""

from __future__ import annotations

import re
from typing import Final

#: ``InstanceArn`` in the sso-admin service model (2020-07-20): pattern and length bounds.
INSTANCE_ARN_PATTERN: Final = (
    r"arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}"
)
INSTANCE_ARN_MIN_LENGTH: Final = 10
INSTANCE_ARN_MAX_LENGTH: Final = 1224

_ARN_RE: Final = re.compile(INSTANCE_ARN_PATTERN)


def is_valid_instance_arn(value: object) -> bool:
    """Tell whether *value* is an instance ARN the service would accept.

    The service model's pattern is unanchored, but the service matches it against the whole
    string, and so do we.
    """
    return (
        isinstance(value, str)
        and INSTANCE_ARN_MIN_LENGTH <= len(value) <= INSTANCE_ARN_MAX_LENGTH
        and _ARN_RE.fullmatch(value) is not None
    )
