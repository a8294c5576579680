#Requires -Version 7.0
<#
.SYNOPSIS
    Benchmarks Send-SmartCardApdu against pyscard and a C loop over SCardTransmit on the same virtual card.
.DESCRIPTION
    One card (the fixture's ISO/IEC 7816-4 card in a vpcd reader of a private pcscd), one connection per tool, the
    same loop for all three: SELECT EF 0101 by path, READ BINARY 32 bytes. Prints the cost per APDU of
    - Send-SmartCardApdu in a warm session, APDUs piped into one call (one transaction), and one call per pair;
    - pyscard's connection.transmit (python3-pyscard);
    - a C loop over SCardTransmit, compiled with gcc here (installs libpcsclite-dev as root when missing),
    and the ratios. Targets: within 1.5x of the C loop per APDU inside one connection, faster than pyscard.
    Every APDU crosses pcscd and vpcd's TCP socket, so the card is the same cost for all three.
    Needs root; re-runs itself inside tests/tools/ns-run.sh so the private pcscd never touches the machine's.
#>
[CmdletBinding()]
param(
    [int] $Pairs = 2000,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Resolve-Path (Join-Path $PSScriptRoot '..')

if ($env:SMARTCARDPS_PCSC_NAMESPACE -ne '1') {
    if (-not (Test-Path (Join-Path $ModuleDir 'SmartCardPS.psd1'))) { & dotnet pwsh (Join-Path $root 'build.ps1'); if ($LASTEXITCODE) { exit $LASTEXITCODE } }
    & dotnet build (Join-Path $root 'tests/SmartCardPS.TestFixture/SmartCardPS.TestFixture.csproj') -c Release --nologo -v quiet
    if ($LASTEXITCODE) { exit $LASTEXITCODE }
    & (Join-Path $root 'tests/tools/ns-run.sh') dotnet pwsh -NoProfile -File $PSCommandPath -Pairs $Pairs -ModuleDir (Resolve-Path $ModuleDir)
    exit $LASTEXITCODE
}

if (-not (Test-Path /usr/include/PCSC/winscard.h)) {
    if ((& id -u) -ne '0') { throw 'The C loop needs the pcsc-lite headers: sudo apt-get install -y libpcsclite-dev gcc' }
    & apt-get install -y -q --no-install-recommends libpcsclite-dev gcc | Out-Null
    if ($LASTEXITCODE) { throw 'apt-get install libpcsclite-dev gcc failed.' }
}

Import-Module (Join-Path (Resolve-Path $ModuleDir) 'SmartCardPS.psd1')
Add-Type -Path (Get-ChildItem (Join-Path $root 'tests/SmartCardPS.TestFixture/bin/Release') -Recurse -Filter 'SmartCardPS.TestFixture.dll' | Select-Object -First 1).FullName

$select = '00 A4 08 0C 02 01 01'
$read = '00 B0 00 00 20'
$work = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-apdu-bench-$PID"
New-Item -ItemType Directory $work | Out-Null

# The C peer: connect once, then the same loop, timed with CLOCK_MONOTONIC around the loop only.
@'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <winscard.h>

int main(int argc, char **argv)
{
    SCARDCONTEXT ctx; SCARDHANDLE card; DWORD proto, len; LONG rc;
    BYTE sel[] = { 0x00, 0xA4, 0x08, 0x0C, 0x02, 0x01, 0x01 }, rd[] = { 0x00, 0xB0, 0x00, 0x00, 0x20 }, rx[258];
    int pairs = atoi(argv[2]);
    struct timespec a, b;
    if ((rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx)) != SCARD_S_SUCCESS) return 2;
    if ((rc = SCardConnect(ctx, argv[1], SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &proto)) != SCARD_S_SUCCESS) return 3;
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < pairs; i++) {
        len = sizeof rx; if (SCardTransmit(card, pci, sel, sizeof sel, NULL, rx, &len) || rx[len - 2] != 0x90) return 4;
        len = sizeof rx; if (SCardTransmit(card, pci, rd, sizeof rd, NULL, rx, &len) || len != 34) return 5;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.3f\n", ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) / (2.0 * pairs));
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    return 0;
}
'@ | Set-Content (Join-Path $work 'loop.c')
& gcc -O2 -o (Join-Path $work 'loop') (Join-Path $work 'loop.c') -I/usr/include/PCSC -lpcsclite
if ($LASTEXITCODE) { throw 'gcc failed to build the C loop.' }

$pyscard = @'
import sys, time
from smartcard.System import readers
reader = [r for r in readers() if str(r) == sys.argv[1]][0]
c = reader.createConnection(); c.connect()
sel, rd, pairs = [0x00, 0xA4, 0x08, 0x0C, 0x02, 0x01, 0x01], [0x00, 0xB0, 0x00, 0x00, 0x20], int(sys.argv[2])
start = time.perf_counter()
for i in range(pairs):
    c.transmit(sel); data, sw1, sw2 = c.transmit(rd)
    assert sw1 == 0x90 and len(data) == 32
print("%.3f" % ((time.perf_counter() - start) * 1e6 / (2 * pairs)))
'@

$pcsc = [SmartCardPS.TestFixture.PcscFixture]::Start(2)
try {
    $reader = $pcsc.ReaderNames[0]
    $null = $pcsc.Insert(0, '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC')
    while (-not (Get-SmartCardReader $reader).CardPresent) { Start-Sleep -Milliseconds 20 }

    $apdus = [string[]]::new(2 * $Pairs)
    for ($i = 0; $i -lt $Pairs; $i++) { $apdus[2 * $i] = $select; $apdus[2 * $i + 1] = $read }
    $card = Connect-SmartCard $reader
    try {
        # Warm-up: JIT, the view of the card, the first transaction.
        $null = $apdus[0..199] | Send-SmartCardApdu -Connection $card
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = $apdus | Send-SmartCardApdu -Connection $card
        $piped = $sw.Elapsed.TotalMilliseconds * 1000 / $apdus.Count
        if (@($out | Where-Object { -not $_.Success }).Count) { throw 'A piped APDU failed.' }
        $calls = [Math]::Min($Pairs, 500)
        $sw.Restart()
        for ($i = 0; $i -lt $calls; $i++) { $null = Send-SmartCardApdu $select, $read -Connection $card }
        $perCall = $sw.Elapsed.TotalMilliseconds * 1000 / (2 * $calls)
    }
    finally { Disconnect-SmartCard $card }

    $null = & /usr/bin/python3 -c $pyscard $reader 100
    $python = [double](& /usr/bin/python3 -c $pyscard $reader $Pairs)
    if ($LASTEXITCODE) { throw "pyscard failed with $LASTEXITCODE." }
    $null = & (Join-Path $work 'loop') $reader 100
    $c = [double](& (Join-Path $work 'loop') $reader $Pairs)
    if ($LASTEXITCODE) { throw "The C loop failed with $LASTEXITCODE." }

    "APDU round trip (SELECT + READ BINARY 32 bytes), $($Pairs * 2) APDUs each, microseconds per APDU:"
    '  {0,-52} {1,9:N1}' -f 'C loop over SCardTransmit', $c
    '  {0,-52} {1,9:N1}  {2:N2}x C (target <= 1.5)   {3:N2}x pyscard (target < 1)' -f 'Send-SmartCardApdu, piped into one call', $piped, ($piped / $c), ($piped / $python)
    '  {0,-52} {1,9:N1}  {2:N2}x C                  {3:N2}x pyscard' -f 'Send-SmartCardApdu, one call per pair', $perCall, ($perCall / $c), ($perCall / $python)
    '  {0,-52} {1,9:N1}  {2:N2}x C' -f 'pyscard connection.transmit', $python, ($python / $c)
}
finally {
    $pcsc.Dispose()
    Remove-Item $work -Recurse -Force
}
