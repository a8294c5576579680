BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Pcsc = Start-TestPcsc
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Get-SmartCardReader' -Skip:$NoFixture {
    It 'lists the virtual readers without cards' {
        $readers = @(Get-SmartCardReader)
        $readers.Name | Should -Be $Pcsc.ReaderNames
        $readers.CardPresent | Should -Not -Contain $true
    }
}
