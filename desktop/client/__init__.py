"""Network clients of the CPlugin Cloud WebAPI.

OAuth2 + v2 REST go through the vendor SDK, and the SignalR tick hub through pysignalr
under a supervisor. No Qt here.

Raw JSON never leaves this package: ``wire`` turns it into frozen domain records, and
``errors`` turns every failure into the domain's exception tree.

Imports: desktop.domain, desktop.config, httpx, cplugin_webapi_sdk, pysignalr, psygnal.
"""
