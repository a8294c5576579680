# Demo part: the readers, their cards and ATRs. Dot-sourced by build/Demo.ps1 with $Pcsc in scope.

Write-DemoHeading 'Every reader, with the card in it' 'Get-SmartCardReader'
Get-SmartCardReader | Format-Table -AutoSize | Out-String -Width 160 | Write-Host

Write-DemoHeading 'One reader, every property' "Get-SmartCardReader -Name '*00 01' | Format-List *"
Get-SmartCardReader -Name '*00 01' | Format-List * | Out-Host

Write-DemoHeading 'As JSON, for scripts and CI' 'Get-SmartCardReader | Select-Object Name, CardPresent, Atr | ConvertTo-Json'
Get-SmartCardReader | Select-Object Name, CardPresent, Atr | ConvertTo-Json | Out-Host

Write-DemoHeading 'A reader that is not there is a non-terminating error' "Get-SmartCardReader -Name 'Missing Reader' -ErrorAction Continue"
Get-SmartCardReader -Name 'Missing Reader' -ErrorAction SilentlyContinue -ErrorVariable demoError
Write-Host "$($demoError[0].FullyQualifiedErrorId): $($demoError[0].Exception.Message)"

Write-DemoHeading 'Without the PC/SC service' 'Get-SmartCardReader   # with pcscd stopped'
$Pcsc.StopDaemon()
try { Get-SmartCardReader } catch { Write-Host "$($_.FullyQualifiedErrorId) [$($_.CategoryInfo.Category)]: $($_.Exception.Message)" }
$Pcsc.StartDaemon()
# The virtual cards reconnect by themselves; the parts that follow need them back.
Wait-DemoCards
