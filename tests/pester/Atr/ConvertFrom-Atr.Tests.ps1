BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/TableText.ps1')
    $script:Yubikey = '3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4'
    $script:Mifare = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A'
    $script:CommandId = 'SmartCardPS.Commands.ConvertFromAtrCommand'

    # A new pwsh process running $Script with the built module: "once per session" needs a fresh session.
    function Invoke-ChildPwsh([string] $Script) {
        $pwsh = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $prefix = @([Environment]::GetCommandLineArgs()[0]) }
        & $pwsh @prefix -NoProfile -NonInteractive -Command "Import-Module '$(Join-Path $script:ModuleDir 'SmartCardPS.psd1')'; $Script"
    }
}

Describe 'ConvertFrom-Atr input' {
    It 'decodes a string argument' {
        $r = ConvertFrom-Atr $Yubikey
        $r.Atr | Should -Be $Yubikey
        $r.PSObject.TypeNames[0] | Should -Be 'SmartCardPS.Atr'
        $r.Protocols | Should -Be @(1)
        $r.Ifsc | Should -Be 254
        $r.CheckByteValid | Should -BeTrue
    }

    It 'accepts the spellings people paste' {
        $out = @('3b:95:13:81:01:80:73:ff:01:00:0b', '  3B9513810180 73FF01000B  ', "3B 95 13 81 01 80 73 FF 01 00 0B`n") | ConvertFrom-Atr
        $out.Count | Should -Be 3
        $out.Atr | Sort-Object -Unique | Should -Be '3B 95 13 81 01 80 73 FF 01 00 0B'
    }

    It 'takes byte arrays from the pipeline and as an argument' {
        $bytes = [byte[]](0x3B, 0x02, 0x14, 0x50)
        (, $bytes | ConvertFrom-Atr).Atr | Should -Be '3B 02 14 50'
        (ConvertFrom-Atr -Atr $bytes).Atr | Should -Be '3B 02 14 50'
        (ConvertFrom-Atr $bytes, ([byte[]](0x3B, 0x00))).Atr | Should -Be @('3B 02 14 50', '3B 00')
    }

    It 'reads 0x-prefixed and dash-separated bytes as the same ATR' {
        $out = @('0x3B 0x02 0x14 0x50', '3B-02-14-50', '3b:02:14:50', '0x3B,0x02,0x14,0x50') | ConvertFrom-Atr
        $out.Count | Should -Be 4
        $out.Atr | Sort-Object -Unique | Should -Be '3B 02 14 50'
        { ConvertFrom-Atr '3B 0x' -ErrorAction Stop } | Should -Throw -ErrorId 'ConvertFromAtrInvalidHex,SmartCardPS.Commands.ConvertFromAtrCommand'
    }

    It 'says how to pipe a byte array when its bytes arrive one by one, instead of misreading them' {
        $bytes = [byte[]](0x3B, 0x02, 0x14, 0x50)
        $out = $bytes | ConvertFrom-Atr -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 4
        $err[0].FullyQualifiedErrorId | Should -Be 'ConvertFromAtrLoneByte,SmartCardPS.Commands.ConvertFromAtrCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape(', $bytes | ConvertFrom-Atr'))
    }

    # Issue 23, item 11: an ATR copied from pcsc_scan and pasted without quotes arrives as separate arguments, some of
    # them numbers to PowerShell (13, 01, 7D is 7 as a decimal literal): each is read as the hex it was typed as.
    It 'decodes an ATR pasted unquoted, its bytes as separate arguments, as the same ATR quoted' {
        $r = ConvertFrom-Atr 3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $r.Atr | Should -Be '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC'
        ($r | ConvertTo-Json -Depth 4) | Should -Be (ConvertFrom-Atr '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC' | ConvertTo-Json -Depth 4)
        (ConvertFrom-Atr 3B 95 13 81 01 80 73 FF 01 00 0B).Atr | Should -Be '3B 95 13 81 01 80 73 FF 01 00 0B'
        (ConvertFrom-Atr 3b:95:13:81 01 80 73 ff 01 00 0b).Atr | Should -Be '3B 95 13 81 01 80 73 FF 01 00 0B'
        { ConvertFrom-Atr 3B 95 13 8 -ErrorAction Stop } | Should -Throw -ErrorId "ConvertFromAtrOddDigitCount,$CommandId"
    }

    It 'says to give the ATR as hex, not how to pipe, for a number given as an argument' {
        ConvertFrom-Atr 12345 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "ConvertFromAtrLoneByte,$CommandId"
        $err[0].Exception.Message | Should -Not -Match 'pipe'
        $err[0].Exception.Message | Should -Match ([regex]::Escape("'3B 02 14 50'"))
        $number = 59
        ConvertFrom-Atr -Atr $number -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Not -Match 'pipe'
    }

    It 'binds any object by its Atr property and skips a null Atr' {
        $out = @([pscustomobject]@{ Atr = '3B 00' }, [pscustomobject]@{ Atr = $null }, [pscustomobject]@{ Atr = $Mifare }) | ConvertFrom-Atr
        $out.Atr | Should -Be @('3B 00', $Mifare)
    }

    It 'survives ConvertTo-Json' {
        $json = ConvertFrom-Atr $Mifare | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.ContactlessCardName | Should -Be 'MIFARE Classic 1K'
        $json.InterfaceBytes.Name | Should -Be @('TD1', 'TD2')
    }

    It 'shows Atr, Protocols and CardName by default and everything with Format-List *' {
        $table = ConvertFrom-Atr $Yubikey | Format-Table | Out-String -Width 300
        $table | Should -Match 'Atr\s+Protocols\s+CardName'
        $table | Should -Match 'T=1'
        $list = ConvertFrom-Atr $Yubikey | Format-List * | Out-String -Width 300
        $list | Should -Match 'Ifsc\s+: 254'
        $list | Should -Match 'CheckByteValid\s+: True'
    }

    # Issue 23, item 9: ATR_analysis prints "WRONG CHECKSUM"; the default view said nothing of a problem.
    It 'shows each problem, whole, under its ATR in the default view at <_> columns, where ATR_analysis finds it too' -ForEach 80, 120 {
        Assert-TestDependency ([bool](Get-Command ATR_analysis -ErrorAction Ignore)) 'ATR_analysis (pcsc-tools)'
        $width = $_
        $wrong = '3B 95 13 81 01 80 73 FF 01 00 0C'
        # ATR_analysis downloads smartcard_list.txt into $XDG_CACHE_HOME for an unknown ATR: keep it out of $HOME.
        $savedCache = $env:XDG_CACHE_HOME
        try { $env:XDG_CACHE_HOME = "$TestDrive"; $analysis = @(ATR_analysis $wrong 2>&1) }
        finally { $env:XDG_CACHE_HOME = $savedCache }
        $analysis -match 'TCK = 0C WRONG CHECKSUM, expected 0B' | Should -Not -BeNullOrEmpty
        $atrs = ConvertFrom-Atr $wrong, '3B 95 13 81 01 80 73 FF 01 00 0B' -WarningAction SilentlyContinue
        $lines = ($atrs | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        $columns = Get-TableColumnText $lines
        $columns.Atr | Should -BeExactly "$wrong Problem: $($atrs[0].Problems[0]) 3B 95 13 81 01 80 73 FF 01 00 0B"
        $atrs[0].Problems[0] | Should -BeExactly 'TCK = 0C (byte 10) is wrong: T0 to TCK must XOR to 00, which needs TCK = 0B.'
    }

    It 'gives the status word of the historical bytes its meaning at the top level' {
        $jcop = '3B 8F 80 01 80 31 80 65 B0 85 03 00 EF 12 0F FF 82 90 00 73'
        $r = ConvertFrom-Atr $jcop -WarningAction SilentlyContinue
        $r.Problems | Should -BeNullOrEmpty
        $r.StatusWord | Should -Be '90 00'
        $r.StatusWordMeaning | Should -Be 'Normal processing: no further qualification'
        ($r | ConvertTo-Json -Depth 4 | ConvertFrom-Json).StatusWordMeaning | Should -Be $r.StatusWordMeaning
        (ConvertFrom-Atr $Yubikey -WarningAction SilentlyContinue).StatusWordMeaning | Should -BeNullOrEmpty
    }
}

Describe 'ConvertFrom-Atr errors' {
    It 'writes <Id> for <Text>' -ForEach @(
        @{ Text = '3B 9G'; Id = 'ConvertFromAtrInvalidHex' }
        @{ Text = '3B 0'; Id = 'ConvertFromAtrOddDigitCount' }
        @{ Text = ' '; Id = 'ConvertFromAtrEmpty' }
        @{ Text = '3B' + ' 00' * 33; Id = 'ConvertFromAtrTooLong' }
        @{ Text = '3C 00'; Id = 'ConvertFromAtrInvalidTS' }
        @{ Text = '3B 80 81'; Id = 'ConvertFromAtrTruncated' }
    ) {
        { ConvertFrom-Atr $Text -ErrorAction Stop } | Should -Throw -ErrorId "$Id,$CommandId"
    }

    It 'writes InvalidData errors and goes on with the next input' {
        $out = 'zz', '3B 00', '3B 80 81', '3B 02 14 50' | ConvertFrom-Atr -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Atr | Should -Be @('3B 00', '3B 02 14 50')
        $errs.Count | Should -Be 2
        $errs.CategoryInfo.Category | Sort-Object -Unique | Should -Be 'InvalidData'
        $errs[1].Exception.Message | Should -Match 'TD1 = 81 \(byte 2\) announces TD2'
        $errs[1].Exception.Offset | Should -Be 3
        $errs[1].TargetObject | Should -Be '3B 80 81'
    }

    It 'an empty byte array is empty input' {
        { ConvertFrom-Atr -Atr ([byte[]]@()) -ErrorAction Stop } | Should -Throw -ErrorId "ConvertFromAtrEmpty,$CommandId"
    }

    It 'stops with DatabaseNotFound for a missing -DatabasePath' {
        { ConvertFrom-Atr '3B 00' -DatabasePath (Join-Path $TestDrive 'none.txt') -ErrorAction Stop } |
            Should -Throw -ErrorId "ConvertFromAtrDatabaseNotFound,$CommandId"
    }
}

Describe 'ConvertFrom-Atr identification' {
    It 'names the card from -DatabasePath, each match as its pattern and its description lines' {
        $list = Join-Path $TestDrive 'list.txt'
        Set-Content $list "3B 02 14 50`n`tMy test card`n`thttps://example.invalid/`n`n3B 02 .. ..`n`tAny 3B 02 card`n"
        $r = ConvertFrom-Atr '3B 02 14 50' -DatabasePath $list
        $r.CardName | Should -Be 'My test card'
        $r.Identification.Count | Should -Be 2
        $r.Identification[0].Pattern | Should -Be '3B 02 14 50'
        $r.Identification[0].Descriptions | Should -Be @('My test card', 'https://example.invalid/')
        $r.Identification[1].Pattern | Should -Be '3B 02 .. ..'
        $r.Identification[1].Descriptions | Should -Be @('Any 3B 02 card')
        ($r | ConvertTo-Json -Depth 4 | ConvertFrom-Json).Identification[1].Descriptions | Should -Be 'Any 3B 02 card'
    }

    It 'names cards from the installed smartcard_list.txt' {
        Assert-TestDependency (Test-Path '/usr/share/pcsc/smartcard_list.txt') "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)"
        (ConvertFrom-Atr $Mifare).Identification.Descriptions | Should -Contain 'MIFARE Classic 1K (as per PCSC std part3)'
    }

    It 'warns once per session when no smartcard_list.txt exists' {
        $script = "ConvertFrom-Atr '3B 02 14 50' -WarningVariable +w -WarningAction SilentlyContinue | Out-Null; " +
            "ConvertFrom-Atr '3B 00' -WarningVariable +w -WarningAction SilentlyContinue | Out-Null; " +
            "`$r = ConvertFrom-Atr '3B 02 14 50' -WarningAction SilentlyContinue; " +
            "[pscustomobject]@{ Count = `$w.Count; Message = [string]`$w[0]; CardName = `$r.CardName; Identified = `$r.Identification.Count } | ConvertTo-Json -Compress"
        $missing = Join-Path $TestDrive 'no-such-dir/smartcard_list.txt'
        $result = Invoke-ChildPwsh "`$env:SMARTCARDPS_ATR_DATABASE = '$missing'; $script" | ConvertFrom-Json
        $result.Count | Should -Be 1
        $result.Message | Should -Match 'install pcsc-tools'
        $result.CardName | Should -BeNullOrEmpty
        $result.Identified | Should -Be 0
    }
}

Describe 'ConvertFrom-Atr with readers' -Skip:$NoFixture {
    BeforeAll {
        $script:Pcsc = Start-TestPcsc
    }

    AfterAll {
        if ($script:Pcsc) { $script:Pcsc.Dispose() }
    }

    It 'decodes the card in each reader and skips empty readers' {
        $null = $Pcsc.Insert(0, $Mifare)
        $null = Wait-TestReader -Name $Pcsc.ReaderNames[0] -CardPresent $true
        $out = @(Get-SmartCardReader | ConvertFrom-Atr)
        $out.Count | Should -Be 1
        $out[0].Atr | Should -Be $Mifare
        $out[0].ContactlessCardName | Should -Be 'MIFARE Classic 1K'
    }

    It 'takes reader objects by value too' {
        $null = $Pcsc.Insert(1, $Yubikey)
        $reader = Wait-TestReader -Name $Pcsc.ReaderNames[1] -CardPresent $true
        (ConvertFrom-Atr -Atr $reader).Atr | Should -Be $Yubikey
        (@(Get-SmartCardReader) | ConvertFrom-Atr).Atr | Should -Be @($Mifare, $Yubikey)
    }

    It 'gives readers the CardName of the same identification' {
        Assert-TestDependency (Test-Path '/usr/share/pcsc/smartcard_list.txt') "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)"
        $reader = Get-SmartCardReader -Name $Pcsc.ReaderNames[1]
        $reader.CardName | Should -Be (ConvertFrom-Atr $Yubikey).CardName
        $reader.CardName | Should -Not -BeNullOrEmpty
        (Get-SmartCardReader | Format-Table | Out-String -Width 300) | Should -Match ([regex]::Escape($reader.CardName))
    }
}
