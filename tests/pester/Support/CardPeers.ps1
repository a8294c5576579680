# Dot-sourced by the Send-SmartCardApdu tests and bench: the peer tools' answers to the same APDUs, as 'DATA SW1 SW2' hex.

# opensc-tool -s: follows 61 XX and 6C XX as Send-SmartCardApdu does by default. Its dump has 16 bytes a line in a
# fixed 48-column hex area, then the bytes as text.
function Invoke-OpenScApdu([int] $ReaderIndex, [string[]] $Apdu) {
    $arguments = @('-r', $ReaderIndex) + @($Apdu | ForEach-Object { '-s'; $_ })
    $responses = [System.Collections.Generic.List[string]]::new()
    $data = $null; $sw = $null
    foreach ($line in @(& opensc-tool @arguments 2>&1)) {
        $line = "$line"
        if ($line -match '^Received \(SW1=0x([0-9A-F]{2}), SW2=0x([0-9A-F]{2})\)') {
            if ($null -ne $sw) { $responses.Add((@($data) + $sw) -join ' ') }
            $sw = "$($Matches[1]) $($Matches[2])"; $data = @()
        }
        elseif ($line -like 'Sending:*') { continue }
        elseif ($null -ne $sw -and $line -match '^(?:[0-9A-F]{2} ){1,16}') {
            # A short last line is not padded: its text follows the last byte directly.
            $data += ($Matches[0].Trim() -split ' ')
        }
    }
    if ($null -ne $sw) { $responses.Add((@($data) + $sw) -join ' ') }
    $responses
}

# scriptor: the card's first answer (no GET RESPONSE), from its '< … : meaning' lines, 16 bytes a line.
function Invoke-ScriptorApdu([string] $Reader, [string] $ScriptPath) {
    $text = (& scriptor -r $Reader $ScriptPath 2>$null) -join "`n"
    [regex]::Matches($text, '(?ms)^< (.*?) : ') | ForEach-Object { ($_.Groups[1].Value -replace '\s+', ' ').Trim() }
}

# pyscard's connection.transmit: the first answer too.
function Invoke-PyscardApdu([string] $Reader, [string[]] $Apdu) {
    $code = @'
import sys
from smartcard.System import readers
from smartcard.util import toBytes, toHexString
reader = [r for r in readers() if str(r) == sys.argv[1]][0]
connection = reader.createConnection()
connection.connect()
for apdu in sys.argv[2:]:
    data, sw1, sw2 = connection.transmit(toBytes(apdu))
    print(toHexString(data + [sw1, sw2]))
'@
    & /usr/bin/python3 -c $code $Reader @Apdu
}
