BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
    $script:Atrs = @(
        @{ Kind = 'a short T=0 ATR'; Atr = '3B 02 14 50' }
        @{ Kind = 'a T=1 ATR'; Atr = '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC' }
        @{ Kind = 'a contactless PC/SC ATR'; Atr = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:Pcsc = Start-TestPcsc
    $script:CommandId = 'SmartCardPS.Commands.GetSmartCardReaderCommand'

    # What opensc-tool says: name, card presence and ATR per reader, in our spelling.
    function Get-OpenScReader {
        $lines = @(opensc-tool -l)
        $nameColumn = ($lines | Where-Object { $_ -like 'Nr.*' } | Select-Object -First 1).IndexOf('Name')
        foreach ($line in $lines) {
            if ($line -notmatch '^(\d+)\s+(Yes|No)\s') { continue }
            $index = [int]$Matches[1]
            $present = $Matches[2] -eq 'Yes'
            $atr = if ($present) { (@(opensc-tool -r $index -a) -match '^[0-9a-f]{2}(:[0-9a-f]{2})+$' | Select-Object -First 1).Replace(':', ' ').ToUpperInvariant() }
            [pscustomobject]@{ Name = $line.Substring($nameColumn).TrimEnd(); CardPresent = $present; Atr = $atr }
        }
    }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Get-SmartCardReader' -Skip:$NoFixture {
    AfterEach {
        $Pcsc.Remove(0); $Pcsc.Remove(1)
        if ($Pcsc.DaemonRunning) { foreach ($name in $Pcsc.ReaderNames) { Wait-TestReader $name $false | Out-Null } }
    }

    It 'lists the virtual readers without cards, as opensc-tool does' {
        $readers = @(Get-SmartCardReader)
        $readers.Name | Should -Be $Pcsc.ReaderNames
        $readers | ForEach-Object { $_ | Should -BeOfType ([SmartCardPS.Pcsc.SmartCardReader]) }
        $readers.CardPresent | Should -Not -Contain $true
        $readers | ForEach-Object { $_.Atr | Should -BeNullOrEmpty }
        $expected = @(Get-OpenScReader)
        ($readers | Select-Object Name, CardPresent, Atr | ConvertTo-Json) | Should -Be ($expected | ConvertTo-Json)
    }

    It 'reports <Kind> exactly as opensc-tool does' -ForEach $Atrs {
        $Pcsc.Insert(0, $Atr) | Out-Null
        $reader = Wait-TestReader $Pcsc.ReaderNames[0] $true
        $reader.Atr | Should -BeExactly $Atr
        $reader.State.HasFlag([SmartCardPS.Pcsc.SmartCardReaderState]::Present) | Should -BeTrue
        $reader.InUse | Should -BeFalse
        $reader.Exclusive | Should -BeFalse
        (Get-SmartCardReader | Select-Object Name, CardPresent, Atr | ConvertTo-Json) | Should -Be (Get-OpenScReader | ConvertTo-Json)
    }

    It 'shows a removed card as gone' {
        $Pcsc.Insert(1, '3B 02 14 50') | Out-Null
        Wait-TestReader $Pcsc.ReaderNames[1] $true | Out-Null
        $Pcsc.Remove(1)
        $reader = Wait-TestReader $Pcsc.ReaderNames[1] $false
        $reader.Atr | Should -BeNullOrEmpty
        (Get-SmartCardReader | Select-Object Name, CardPresent, Atr | ConvertTo-Json) | Should -Be (Get-OpenScReader | ConvertTo-Json)
    }

    It 'filters by wildcard, case-insensitively' {
        @(Get-SmartCardReader -Name '*00 01').Name | Should -Be $Pcsc.ReaderNames[1]
        @(Get-SmartCardReader 'scm micro*').Count | Should -Be 2
    }

    It 'writes nothing for a wildcard that matches nothing' {
        $out = Get-SmartCardReader -Name 'Nope*' -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'writes ObjectNotFound for a literal name that matches nothing and goes on with the others' {
        $out = Get-SmartCardReader -Name 'No Such Reader', $Pcsc.ReaderNames[0] -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be $Pcsc.ReaderNames[0]
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "GetSmartCardReaderNotFound,$CommandId"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'No Such Reader'
        { Get-SmartCardReader -Name 'No Such Reader' -ErrorAction Stop } | Should -Throw -ErrorId "GetSmartCardReaderNotFound,$CommandId"
    }

    It 'binds names from the pipeline by value and by property name' {
        ($Pcsc.ReaderNames[1] | Get-SmartCardReader).Name | Should -Be $Pcsc.ReaderNames[1]
        ([pscustomobject]@{ Name = $Pcsc.ReaderNames[0] } | Get-SmartCardReader).Name | Should -Be $Pcsc.ReaderNames[0]
        (Get-SmartCardReader -Name $Pcsc.ReaderNames[0] | Get-SmartCardReader).Name | Should -Be $Pcsc.ReaderNames[0]
    }

    It 'completes reader names, quoted and wildcard-escaped, and each completion names exactly its reader' {
        $line = 'Get-SmartCardReader -Name SCM'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be ($Pcsc.ReaderNames | ForEach-Object { "'" + [WildcardPattern]::Escape($_) + "'" })
        foreach ($i in 0, 1) {
            $typed = $line.Substring(0, $line.Length - 3) + $completion.CompletionMatches[$i].CompletionText
            @(Invoke-Expression $typed).Name | Should -Be $Pcsc.ReaderNames[$i]
        }
    }

    It 'completes what was typed inside quotes, brackets included' {
        $line = "Get-SmartCardReader -Name 'SCM Microsystems Inc. SCR 3310 [CC"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.ListItemText | Should -Be $Pcsc.ReaderNames
    }

    It 'matches an exact name holding brackets, alone and from its own output' {
        $exact = $Pcsc.ReaderNames[1]
        $exact | Should -Match '\['
        @(Get-SmartCardReader -Name $exact).Name | Should -Be $exact
        @(Get-SmartCardReader | Get-SmartCardReader).Name | Should -Be $Pcsc.ReaderNames
        @(Get-SmartCardReader -Name ([WildcardPattern]::Escape($exact))).Name | Should -Be $exact
    }

    It 'reads a name that is not a valid wildcard (a lone bracket) literally: its reader, else ObjectNotFound' {
        Get-SmartCardReader -Name 'Acme [CCID Interface' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "GetSmartCardReaderNotFound,$CommandId"
        @(Get-SmartCardReader -Name 'Acme [CCID Interface', $Pcsc.ReaderNames[0] -ErrorAction SilentlyContinue).Name | Should -Be $Pcsc.ReaderNames[0]
    }

    It 'writes ObjectNotFound for an exact name with brackets that matches nothing' {
        Get-SmartCardReader -Name 'Acme [CCID Interface] 00 00' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "GetSmartCardReaderNotFound,$CommandId"
    }

    It 'survives ConvertTo-Json and remoting serialization' {
        $Pcsc.Insert(0, '3B 02 14 50') | Out-Null
        $reader = Wait-TestReader $Pcsc.ReaderNames[0] $true
        $json = $reader | ConvertTo-Json | ConvertFrom-Json
        $json.Name | Should -Be $reader.Name
        $json.Atr | Should -Be '3B 02 14 50'
        $json.CardPresent | Should -BeTrue
        $clone = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($reader))
        $clone.PSObject.TypeNames | Should -Contain 'Deserialized.SmartCardPS.Pcsc.SmartCardReader'
        $clone.Atr | Should -Be $reader.Atr
        $clone.State | Should -Be $reader.State.ToString()
    }

    It 'keeps the distinguishing end of each reader name, the card name and the ATR in its default table at <_> columns' -ForEach 80, 120 {
        $Pcsc.Insert(0, '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC') | Out-Null
        $reader = Wait-TestReader $Pcsc.ReaderNames[0] $true
        $width = $_
        $lines = (Get-SmartCardReader | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        ($lines | Where-Object { $_.Trim() } | Select-Object -First 1) | Should -Match '^Name\s+Card\s*$'
        foreach ($name in $Pcsc.ReaderNames) { $lines -match [regex]::Escape($name.Substring($name.Length - 22)) | Should -Not -BeNullOrEmpty -Because "the end of '$name' tells the readers apart" }
        $lines -match '3B DF 18 00 81 31 FE 7D' | Should -Not -BeNullOrEmpty
        $lines -match '\(no card\)' | Should -HaveCount 1
        if ($reader.CardName) { $lines -match [regex]::Escape($reader.CardName.Substring(0, 20)) | Should -Not -BeNullOrEmpty }
        (Get-SmartCardReader | Format-List * | Out-String -Width $width) | Should -Match 'EventCount\s+:'
    }

    Context 'without the PC/SC service' {
        BeforeAll { $Pcsc.StopDaemon() }
        AfterAll { $Pcsc.StartDaemon() }

        It 'stops with one ResourceUnavailable error that says how to start the service' {
            $e = { Get-SmartCardReader } | Should -Throw -ErrorId "GetSmartCardReaderNoService,$CommandId" -PassThru
            $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $e.Exception | Should -BeOfType ([SmartCardPS.Pcsc.PcscException])
            $e.Exception.ErrorName | Should -Be 'SCARD_E_NO_SERVICE'
            $e.Exception.Message | Should -Match 'systemctl start pcscd\.socket'
        }

        It 'stops the pipeline rather than erroring once per input' {
            $errors = @()
            try { 'a', 'b', 'c' | Get-SmartCardReader -ErrorAction Continue } catch { $errors += $_ }
            $errors.Count | Should -Be 1
        }

        It 'offers no completions and does not fail' {
            (TabExpansion2 -inputScript 'Get-SmartCardReader -Name ' -cursorColumn 26).CompletionMatches | Should -BeNullOrEmpty
        }
    }
}
