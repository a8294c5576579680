#!/usr/bin/python3
# A real PC/SC client for the tests of Get-SmartCardClient and the sharing-violation messages: connects to the
# card in the reader named by argv[1] (exclusively with argv[2] == "exclusive"), says "ready" on stdout, and
# holds the connection until its stdin closes or argv[3] seconds pass (60 by default).
import select
import sys

from smartcard.scard import SCARD_SHARE_EXCLUSIVE, SCARD_SHARE_SHARED
from smartcard.System import readers

reader = [r for r in readers() if str(r) == sys.argv[1]][0]
connection = reader.createConnection()
mode = SCARD_SHARE_EXCLUSIVE if len(sys.argv) > 2 and sys.argv[2] == "exclusive" else SCARD_SHARE_SHARED
connection.connect(mode=mode)
print("ready", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[3]) if len(sys.argv) > 3 else 60.0)
connection.disconnect()
