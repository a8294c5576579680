#Requires -Version 7.0
<#
.SYNOPSIS
    Benchmarks Send-SmartCardApdu against pyscard and a C loop over SCardTransmit on the same virtual card.
.DESCRIPTION
    One card (the fixture's ISO/IEC 7816-4 card in a vpcd reader of a private pcscd), one connection per tool, the
    same loop for all three: SELECT EF 0101 by path, READ BINARY 32 bytes. Prints the cost per APDU of
    - Send-SmartCardApdu in a warm session: every APDU in one call's -Apdu, the same APDUs piped into one call (both
      one transaction), and one call per SELECT + READ pair;
    - pyscard's connection.transmit (python3-pyscard);
    - a C loop over SCardTransmit, compiled with gcc here (installs libpcsclite-dev as root when missing),
    and the ratios, then the CPU each client process spends per APDU. Targets: within 1.5x of the C loop per
    APDU inside one connection, faster than pyscard.
    Every APDU crosses pcscd and vpcd's TCP socket, so the card is the same cost for all three.
    Needs root; re-runs itself inside tests/tools/ns-run.sh so the private pcscd never touches the machine's.
#>
[CmdletBinding()]
param(
    [int] $Pairs = 2000,
    [int] $Rounds = 5,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Resolve-Path (Join-Path $PSScriptRoot '..')

if ($env:SMARTCARDPS_PCSC_NAMESPACE -ne '1') {
    . (Join-Path $PSScriptRoot 'BenchNamespace.ps1')
    exit (Invoke-InPcscNamespace $PSCommandPath $PSBoundParameters $ModuleDir)
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
    struct timespec a, b, ca, cb;
    if ((rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx)) != SCARD_S_SUCCESS) return 2;
    if ((rc = SCardConnect(ctx, argv[1], SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &proto)) != SCARD_S_SUCCESS) return 3;
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    for (int i = 0; i < 100; i++) { len = sizeof rx; SCardTransmit(card, pci, sel, sizeof sel, NULL, rx, &len); }
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    for (int i = 0; i < pairs; i++) {
        len = sizeof rx; if (SCardTransmit(card, pci, sel, sizeof sel, NULL, rx, &len) || rx[len - 2] != 0x90) return 4;
        len = sizeof rx; if (SCardTransmit(card, pci, rd, sizeof rd, NULL, rx, &len) || len != 34) return 5;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
    printf("%.3f\n%.3f\n", ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) / (2.0 * pairs),
        ((cb.tv_sec - ca.tv_sec) * 1e6 + (cb.tv_nsec - ca.tv_nsec) / 1e3) / (2.0 * pairs));
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    return 0;
}
'@ | Set-Content (Join-Path $work 'loop.c')
& gcc -O2 -o (Join-Path $work 'loop') (Join-Path $work 'loop.c') -I/usr/include/PCSC -lpcsclite
if ($LASTEXITCODE) { throw 'gcc failed to build the C loop.' }

# Ours: one connection in a warm session; all APDUs as -Apdu of one call, the same piped, one call per pair.
@'
param($Manifest, $Reader, [int] $Pairs, $Select, $Read)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$apdus = [string[]]::new(2 * $Pairs)
for ($i = 0; $i -lt $Pairs; $i++) { $apdus[2 * $i] = $Select; $apdus[2 * $i + 1] = $Read }
$card = Connect-SmartCard $Reader
try {
    # Warm-up: JIT and the first transaction. pyscard resets the card when it disconnects: -RetryOnReset.
    $null = Send-SmartCardApdu $apdus[0..199] -Connection $card -RetryOnReset
    $null = $apdus[0..199] | Send-SmartCardApdu -Connection $card -RetryOnReset
    $me = [Diagnostics.Process]::GetCurrentProcess()
    $cpu = $me.TotalProcessorTime
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $out = Send-SmartCardApdu $apdus -Connection $card -RetryOnReset
    $array = $sw.Elapsed.TotalMilliseconds * 1000 / $apdus.Count
    $me.Refresh()
    $arrayCpu = ($me.TotalProcessorTime - $cpu).TotalMilliseconds * 1000 / $apdus.Count
    if (@($out | Where-Object { -not $_.Success }).Count) { throw 'An APDU failed.' }
    $sw.Restart()
    $out = $apdus | Send-SmartCardApdu -Connection $card -RetryOnReset
    $piped = $sw.Elapsed.TotalMilliseconds * 1000 / $apdus.Count
    if (@($out | Where-Object { -not $_.Success }).Count) { throw 'A piped APDU failed.' }
    $calls = [Math]::Min($Pairs, 500)
    $sw.Restart()
    for ($i = 0; $i -lt $calls; $i++) { $null = Send-SmartCardApdu $Select, $Read -Connection $card -RetryOnReset }
    $perCall = $sw.Elapsed.TotalMilliseconds * 1000 / (2 * $calls)
    $array, $piped, $perCall, $arrayCpu | ForEach-Object { $_.ToString([cultureinfo]::InvariantCulture) }
}
finally { Disconnect-SmartCard $card }
'@ | Set-Content (Join-Path $work 'ours.ps1')

$pyscard = @'
import sys, time
from smartcard.System import readers
reader = [r for r in readers() if str(r) == sys.argv[1]][0]
c = reader.createConnection(); c.connect()
for i in range(100): c.transmit([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x01, 0x01])
sel, rd, pairs = [0x00, 0xA4, 0x08, 0x0C, 0x02, 0x01, 0x01], [0x00, 0xB0, 0x00, 0x00, 0x20], int(sys.argv[2])
start, cpu = time.perf_counter(), time.process_time()
for i in range(pairs):
    c.transmit(sel); data, sw1, sw2 = c.transmit(rd)
    assert sw1 == 0x90 and len(data) == 32
print("%.3f" % ((time.perf_counter() - start) * 1e6 / (2 * pairs)))
print("%.3f" % ((time.process_time() - cpu) * 1e6 / (2 * pairs)))
'@

$pcsc = [SmartCardPS.TestFixture.PcscFixture]::Start(2)
try {
    $reader = $pcsc.ReaderNames[0]
    $null = $pcsc.Insert(0, '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC')
    while (-not (Get-SmartCardReader $reader).CardPresent) { Start-Sleep -Milliseconds 20 }

    $best = @{}
    foreach ($k in 'C', 'CCpu', 'Python', 'PythonCpu', 'Array', 'ArrayCpu', 'Piped', 'PerCall') { $best[$k] = [double]::MaxValue }
    function Keep([string] $Name, [double] $MicrosecondsPerApdu) { if ($MicrosecondsPerApdu -lt $best[$Name]) { $best[$Name] = $MicrosecondsPerApdu } }
    $pwsh = [Environment]::ProcessPath
    $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $manifest = Join-Path (Resolve-Path $ModuleDir) 'SmartCardPS.psd1'
    # The card lives in this process, so every client (ours too) runs in a process of its own; the machine is
    # shared, so rounds interleave the tools and each keeps its best round.
    for ($round = 0; $round -lt $Rounds; $round++) {
        $ours = @(& $pwsh @pwshArgs -NoProfile -NonInteractive -File (Join-Path $work 'ours.ps1') $manifest $reader $Pairs $select $read)
        if ($LASTEXITCODE -or $ours.Count -ne 4) { throw "The Send-SmartCardApdu loop failed: $ours" }
        Keep Array ([double]$ours[0]); Keep Piped ([double]$ours[1]); Keep PerCall ([double]$ours[2]); Keep ArrayCpu ([double]$ours[3])
        $py = @(& /usr/bin/python3 -c $pyscard $reader $Pairs)
        if ($LASTEXITCODE) { throw "pyscard failed with $LASTEXITCODE." }
        Keep Python ([double]$py[0]); Keep PythonCpu ([double]$py[1])
        $cl = @(& (Join-Path $work 'loop') $reader $Pairs)
        if ($LASTEXITCODE) { throw "The C loop failed with $LASTEXITCODE." }
        Keep C ([double]$cl[0]); Keep CCpu ([double]$cl[1])
    }
    $c = $best.C; $python = $best.Python; $array = $best.Array; $piped = $best.Piped; $perCall = $best.PerCall

    "APDU round trip (SELECT + READ BINARY 32 bytes), $($Pairs * 2) APDUs a round, best of $Rounds rounds, microseconds per APDU:"
    '  {0,-52} {1,9:N1}' -f 'C loop over SCardTransmit', $c
    '  {0,-52} {1,9:N1}  {2:N2}x C (target <= 1.5)   {3:N2}x pyscard (target < 1)' -f 'Send-SmartCardApdu, all APDUs as -Apdu of one call', $array, ($array / $c), ($array / $python)
    '  {0,-52} {1,9:N1}  {2:N2}x C                  {3:N2}x pyscard' -f 'Send-SmartCardApdu, APDUs piped into one call', $piped, ($piped / $c), ($piped / $python)
    '  {0,-52} {1,9:N1}  {2:N2}x C                  {3:N2}x pyscard' -f 'Send-SmartCardApdu, one call per pair', $perCall, ($perCall / $c), ($perCall / $python)
    '  {0,-52} {1,9:N1}  {2:N2}x C' -f 'pyscard connection.transmit', $python, ($python / $c)
    # CPU the client process itself spends per APDU (all its threads): what each tool adds, less exposed to the
    # scheduling noise of a shared machine than the round trip.
    'Client CPU per APDU, microseconds (the same loops):'
    '  {0,-52} {1,9:N1}' -f 'C loop over SCardTransmit', $best.CCpu
    '  {0,-52} {1,9:N1}  {2:N2}x C   {3:N2}x pyscard' -f 'Send-SmartCardApdu, all APDUs as -Apdu of one call', $best.ArrayCpu, ($best.ArrayCpu / $best.CCpu), ($best.ArrayCpu / $best.PythonCpu)
    '  {0,-52} {1,9:N1}  {2:N2}x C' -f 'pyscard connection.transmit', $best.PythonCpu, ($best.PythonCpu / $best.CCpu)
}
finally {
    $pcsc.Dispose()
    Remove-Item $work -Recurse -Force
}
