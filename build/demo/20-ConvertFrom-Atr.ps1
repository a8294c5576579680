# Dot-sourced by build/Demo.ps1 after the module is imported and cards are in readers 0 and 1 of $Pcsc.

Write-Host "`n--- ConvertFrom-Atr: the card in each reader, decoded and named ---" -ForegroundColor Yellow
Get-SmartCardReader | ConvertFrom-Atr | Format-Table -AutoSize | Out-String -Width 160 | Write-Host

Write-Host "--- ConvertFrom-Atr '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A' | Format-List * ---" -ForegroundColor Yellow
ConvertFrom-Atr '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A' | Format-List * | Out-String -Width 160 | Write-Host

Write-Host "--- Interface bytes and historical objects of a T=0/T=15 SIM ATR ---" -ForegroundColor Yellow
$sim = ConvertFrom-Atr '3b:9f:92:80:1f:c3:80:31:e0:73:fe:21:14:63:02:01:01:83:07:90:00:cd'
$sim.InterfaceBytes | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
$sim.HistoricalObjects | Format-Table -AutoSize | Out-String -Width 160 | Write-Host

Write-Host "--- Flawed and invalid ATRs: Problems, and typed errors that do not stop the pipeline ---" -ForegroundColor Yellow
'3B 80 01 00', '3B 80 81', '3B 9G', '3B 05 80 31' | ConvertFrom-Atr -ErrorVariable atrErrors -ErrorAction SilentlyContinue |
    Format-Table Atr, CheckByteValid, Problems -AutoSize -Wrap | Out-String -Width 160 | Write-Host
$atrErrors | ForEach-Object { Write-Host ("{0}: {1}" -f $_.FullyQualifiedErrorId, $_.Exception.Message) }
