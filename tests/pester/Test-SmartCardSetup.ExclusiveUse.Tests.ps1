BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'CardHolder.ps1')
    $script:Pcsc = Start-TestPcsc
    if ($Pcsc) {
        $null = $Pcsc.Insert(0, '3B 02 14 50')
        $script:Reader = (Wait-TestReader $Pcsc.ReaderNames[0] $true).Name
    }
    function Get-ExclusiveCheck { @(Test-SmartCardSetup | Where-Object Name -eq 'Exclusive use') }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe "Test-SmartCardSetup's Exclusive use check" -Skip:$NoFixture {
    BeforeEach { Assert-TestDependency (Test-Pyscard) "Debian's /usr/bin/python3 with python3-pyscard" }

    It 'warns while scdaemon holds a reader exclusively, naming it and the gpgconf remedy; passes once it is gone' {
        $holder = Start-CardHolder $Reader -Exclusive -As scdaemon
        try {
            $check = Get-ExclusiveCheck
            $check | Should -HaveCount 1
            $check[0].Status | Should -Be 'Warn'
            $check[0].Detail | Should -BeLike "'$([WildcardPattern]::Escape($Reader))' is held exclusively*'scdaemon' (pid $($holder.Id),*"
            $check[0].Remedy | Should -BeLike "*'gpgconf --kill scdaemon'*'disable-ccid'*'pcsc-shared'*"
        }
        finally { Stop-CardHolder $holder }
        $after = Get-ExclusiveCheck
        $after[0].Status | Should -Be 'Pass'
    }

    It "names this session's own exclusive connection instead of another program" {
        $own = Connect-SmartCard $Reader -ShareMode Exclusive
        try {
            $check = Get-ExclusiveCheck
            $check[0].Status | Should -Be 'Warn'
            $check[0].Detail | Should -BeLike '*this PowerShell process holds it*'
            $check[0].Remedy | Should -BeLike '*Disconnect-SmartCard*'
        }
        finally { Disconnect-SmartCard $own }
    }
}
