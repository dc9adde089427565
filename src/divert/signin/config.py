"""Where the council's identity provider lives, read from the environment at start-up.

Microsoft Entra ID needs only the tenant (``DIVERT_OIDC_TENANT``): its endpoints follow from
``https://login.microsoftonline.com/<tenant>/v2.0``. Another OpenID Connect provider is named by
its endpoints one by one (``DIVERT_OIDC_AUTHORIZATION_ENDPOINT`` ...); an explicit endpoint also
overrides the one derived from the tenant. A missing endpoint stops start-up rather than leave the
sign-in button leading nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from divert.env import ConfigError, envstr

ENTRA = "https://login.microsoftonline.com"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str
    userinfo: str
    issuer: str  # "" when it cannot be known in advance (an Entra tenant named by its domain)


def entra_endpoints(tenant: str) -> Endpoints:
    """Entra ID's v2.0 endpoints for one tenant (a directory id or a verified domain name).

    Entra's ID tokens name the tenant by its id in ``iss``, so the issuer is only known, and
    checked, when the tenant is given as its id.
    """
    base = f"{ENTRA}/{tenant}"
    return Endpoints(
        authorization=f"{base}/oauth2/v2.0/authorize",
        token=f"{base}/oauth2/v2.0/token",
        jwks=f"{base}/discovery/v2.0/keys",
        userinfo="https://graph.microsoft.com/oidc/userinfo",
        issuer=f"{base}/v2.0" if _GUID.match(tenant) else "",
    )


def oidc_endpoints() -> Endpoints:
    tenant = envstr("DIVERT_OIDC_TENANT", "") or ""
    derived = entra_endpoints(tenant) if tenant else Endpoints("", "", "", "", "")
    found = Endpoints(
        authorization=envstr("DIVERT_OIDC_AUTHORIZATION_ENDPOINT", "") or derived.authorization,
        token=envstr("DIVERT_OIDC_TOKEN_ENDPOINT", "") or derived.token,
        jwks=envstr("DIVERT_OIDC_JWKS_ENDPOINT", "") or derived.jwks,
        userinfo=envstr("DIVERT_OIDC_USERINFO_ENDPOINT", "") or derived.userinfo,
        issuer=envstr("DIVERT_OIDC_ISSUER", "") or derived.issuer,
    )
    missing = [name for name in ("authorization", "token", "jwks") if not getattr(found, name)]
    if missing:
        names = ", ".join(f"DIVERT_OIDC_{name.upper()}_ENDPOINT" for name in missing)
        raise ConfigError(f"DIVERT_OIDC_CLIENT_ID is set: set DIVERT_OIDC_TENANT, or {names}")
    return found
