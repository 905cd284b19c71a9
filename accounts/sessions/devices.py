"""Where a request comes from: the client's address (behind trusted proxies) and a name
for its browser."""

import ipaddress

from django.conf import settings
from django.utils.translation import gettext as _
from ua_parser import parse


def client_ip(request):
    """The client's IP address: the connection's own, or behind settings.PROXY_COUNT
    trusted proxies the address the outermost of them was connected from. None when
    there is no valid address (a forged or garbled value is never returned)."""
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.PROXY_COUNT:
        # Each proxy appends the address it was connected from, so only the last
        # PROXY_COUNT entries were written by proxies we trust.
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= settings.PROXY_COUNT:
            candidates.insert(0, hops[-settings.PROXY_COUNT])
    for candidate in candidates:
        try:
            # Without an IPv6 zone ("%eth0"), which no database column accepts.
            return str(ipaddress.ip_address(candidate.strip().partition("%")[0]))
        except ValueError:
            continue
    return None


def describe_user_agent(user_agent):
    """'Chrome on Linux' from a User-Agent header, as well as it can be told: the browser
    or the system alone, else the header's first 60 characters."""
    if not user_agent:
        return ""
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or user_agent[:60]
