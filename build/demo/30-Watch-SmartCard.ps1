# Demo of Watch-SmartCard, dot-sourced by build/Demo.ps1 after it imported the module; $Pcsc is the running
# PcscFixture. A thread job moves cards while Watch-SmartCard watches in the foreground; every reader ends as it began.

$demoAtr = '3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4'
$eventColumns = 'TimeStamp', 'EventType', 'Reader', 'Atr'

# Takes the card out of reader $Reader and puts it back (or puts one in and takes it out), after a head start
# for the watch: pcscd notices vpcd cards on its 400 ms poll.
function Start-DemoCardMove([int] $Reader, [int] $HeadStartMs) {
    $was = Get-SmartCardReader -Name $Pcsc.ReaderNames[$Reader]
    $atr = if ($was.CardPresent) { $was.Atr } else { $demoAtr }
    Start-ThreadJob {
        param($Pcsc, $Reader, $Atr, $Present, $HeadStartMs)
        Start-Sleep -Milliseconds $HeadStartMs
        if ($Present) { $Pcsc.Remove($Reader) } else { $null = $Pcsc.Insert($Reader, $Atr) }
        Start-Sleep -Milliseconds 900
        if ($Present) { $null = $Pcsc.Insert($Reader, $Atr) } else { $Pcsc.Remove($Reader) }
    } -ArgumentList $Pcsc, $Reader, $atr, $was.CardPresent, $HeadStartMs
}

Write-Host "`n== Watch-SmartCard: what is there now (-IncludeCurrentState -Timeout 1) ==" -ForegroundColor Cyan
Watch-SmartCard -IncludeCurrentState -Timeout 1 | Format-Table $eventColumns | Out-Host

Write-Host "== Watch-SmartCard -Timeout 3 while a card leaves $($Pcsc.ReaderNames[0]) and comes back ==" -ForegroundColor Cyan
$move = Start-DemoCardMove -Reader 0 -HeadStartMs 300
Watch-SmartCard -Timeout 3 | Format-Table $eventColumns | Out-Host
$move | Wait-Job | Remove-Job

Write-Host "== Waiting for one card: Watch-SmartCard -Name '*01' -EventType CardInserted | Select-Object -First 1 ==" -ForegroundColor Cyan
$move = Start-DemoCardMove -Reader 1 -HeadStartMs 300
$sw = [Diagnostics.Stopwatch]::StartNew()
$first = Watch-SmartCard -Name '*01' -EventType CardInserted | Select-Object -First 1
$first | Format-List TimeStamp, EventType, Reader, Atr, CardName, State | Out-Host
Write-Host "Returned $($sw.ElapsedMilliseconds) ms after the watch started, as soon as the card was in."
$move | Wait-Job | Remove-Job
