BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:Pcsc = Start-TestPcsc

    # opensc-tool -l: the Features column ("PIN pad" or blank) per reader name.
    function Get-OpenScFeature {
        $lines = @(opensc-tool -l)
        $header = $lines | Where-Object { $_ -like 'Nr.*' } | Select-Object -First 1
        $featureColumn = $header.IndexOf('Features'); $nameColumn = $header.IndexOf('Name')
        foreach ($line in $lines) {
            if ($line -notmatch '^\d+\s+(Yes|No)\s') { continue }
            [pscustomobject]@{ Name = $line.Substring($nameColumn).TrimEnd(); HasPinPad = $line.Substring($featureColumn, $nameColumn - $featureColumn).Trim() -eq 'PIN pad' }
        }
    }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Get-SmartCardReader -IncludeFeatures' -Skip:$NoFixture {
    AfterEach { $Pcsc.Remove(0); Wait-TestReader $Pcsc.ReaderNames[0] $false | Out-Null }

    It 'reports no PIN pad and no features for the vpcd readers, without an error, as opensc-tool -l does' {
        $null = $Pcsc.Insert(0, '3B 02 14 50')
        Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
        $readers = @(Get-SmartCardReader -IncludeFeatures -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $readers.Name | Should -Be $Pcsc.ReaderNames
        foreach ($r in $readers) {
            $r.HasPinPad | Should -BeFalse
            $r.HasPinPad | Should -Not -BeNullOrEmpty
            @($r.Features).Count | Should -Be 0
        }
        ($readers | Select-Object Name, HasPinPad | ConvertTo-Json) | Should -Be (Get-OpenScFeature | ConvertTo-Json)
    }

    # pcsc-lite lets direct connections share; only an exclusive one refuses them (and a shared fallback too).
    It 'answers no PIN pad, without an error, while another program holds the card exclusively' {
        $null = $Pcsc.Insert(0, '3B 02 14 50')
        Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
        $exclusive = Connect-SmartCard $Pcsc.ReaderNames[0] -ShareMode Exclusive
        try {
            $r = Get-SmartCardReader $Pcsc.ReaderNames[0] -IncludeFeatures -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $r.HasPinPad | Should -BeFalse
        }
        finally { Disconnect-SmartCard $exclusive }
    }

    # Issue 23, item 10: Name leads every listing, and the Features column of a CSV is the feature names.
    It 'puts Name first in Format-List, ConvertTo-Json and Export-Csv, with and without -IncludeFeatures' {
        foreach ($readers in @(Get-SmartCardReader), @(Get-SmartCardReader -IncludeFeatures)) {
            ($readers[0] | Format-List * | Out-String).Trim() | Should -Match '^Name\s+:'
            ($readers[0] | ConvertTo-Json -Compress) | Should -Match '^\{"Name":'
            ($readers | ConvertTo-Csv)[0] | Should -Match '^"Name",'
        }
    }

    It 'writes the feature names, not a type name, into the Features column of a CSV' {
        $csv = Get-SmartCardReader -IncludeFeatures | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Features | Should -Be @('', '')
        $reader = Get-SmartCardReader $Pcsc.ReaderNames[0] -IncludeFeatures
        # vpcd offers no features: a list decoded from the part 10 answer a PIN pad reader gives shows the names.
        $reader.Features = [SmartCardPS.Pcsc.ReaderFeatureList]::new([SmartCardPS.Pcsc.ReaderFeature]::Decode([byte[]](0x06, 4, 0x42, 0, 0x0D, 0x48, 0x07, 4, 0x42, 0, 0x0D, 0x49)))
        ($reader | ConvertTo-Csv | ConvertFrom-Csv).Features | Should -BeExactly 'VerifyPinDirect ModifyPinDirect'
        ($reader | ConvertTo-Json | ConvertFrom-Json).Features.Tag | Should -Be 6, 7
    }

    It 'leaves the features out of a plain listing' {
        $r = Get-SmartCardReader $Pcsc.ReaderNames[0]
        $r.HasPinPad | Should -BeNullOrEmpty
        $r.Features | Should -BeNullOrEmpty
    }
}
