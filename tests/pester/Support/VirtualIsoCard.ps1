# The virtual ISO card of the test fixture that the card cmdlets' tests talk to: its ATRs, the APDUs it answers and
# how to put it in the first reader. Dot-source it in BeforeAll after $script:Pcsc = Start-TestPcsc.
$script:T0Atr = '3B 02 14 50'
$script:T1Atr = '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC'
$script:SelectApp = '00 A4 04 00 09 F0 53 43 50 53 54 45 53 54 00'
$script:AppFci = '6F 0E 84 09 F0 53 43 50 53 54 45 53 54 82 01 38'
# SELECT by AID, SELECT MF and an EF, 600 bytes through GET RESPONSE, a 6C XX retry, and three errors.
$script:Session = @(
    $SelectApp
    '00 A4 00 0C 02 3F 00'
    '00A4000C020102'
    '00 B1 00 00 03 54 01 00 00'
    '00 B0 02 50 10'
    '00 FF 00 00'
    '00 A4 00 0C 02 12 34'
    'F0 B0 00 00 01'
)
$script:LargeFile = [SmartCardPS.TestFixture.IsoCard]::LargeFileContent

function Use-TestCard([string] $Atr) {
    foreach ($i in 0, 1) { $Pcsc.Remove($i) }
    foreach ($name in $Pcsc.ReaderNames) { Wait-TestReader $name $false | Out-Null }
    $null = $Pcsc.Insert(0, $Atr)
    Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
    $Pcsc.ReaderNames[0]
}

function Format-Answer($Response) { (@($Response.Data, $Response.StatusWord) | Where-Object { $_ }) -join ' ' }
