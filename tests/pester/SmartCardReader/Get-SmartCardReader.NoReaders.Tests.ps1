BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    # A running pcscd with no reader at all.
    $script:Pcsc = Start-TestPcsc -ReaderCount 0
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Get-SmartCardReader with no readers' -Skip:$NoFixture {
    It 'writes no output and no error, where opensc-tool finds none either' {
        $out = Get-SmartCardReader -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        (opensc-tool -l 2>&1) -join "`n" | Should -Match 'No smart card readers found'
    }

    It 'writes nothing for a wildcard and ObjectNotFound for a literal name' {
        Get-SmartCardReader -Name '*' -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        Get-SmartCardReader -Name 'Virtual PCD 00 00' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'GetSmartCardReaderNotFound,SmartCardPS.Commands.GetSmartCardReaderCommand'
    }
}
