BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:Dirs = [Collections.Generic.List[string]]::new()
    function New-Db { $d = New-TestNssDatabase; $Dirs.Add($d); $d }
}

AfterAll {
    foreach ($d in $Dirs) { Remove-Item $d -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Set-FirefoxSecurityDevicePolicy' {
    It 'merges SecurityDevices into policies.json, keeping the other policies; -WhatIf writes nothing' {
        $dir = New-TestDirectory 'policy'
        $Dirs.Add($dir)
        $file = Join-Path $dir 'policies.json'
        '{"policies": {"DisableTelemetry": true, "SecurityDevices": {"Delete": ["CAC Module"]}}}' | Set-Content $file
        $policy = Set-FirefoxSecurityDevicePolicy -Name 'CAC Module' -ModulePath $OpenScLibraryPath -PolicyPath $file
        $policy.Add['CAC Module'] | Should -Be $OpenScLibraryPath
        $policy.Delete.Count | Should -Be 0
        $json = Get-Content $file -Raw | ConvertFrom-Json
        $json.policies.DisableTelemetry | Should -BeTrue
        $json.policies.SecurityDevices.Add.'CAC Module' | Should -Be $OpenScLibraryPath
        $before = Get-FileHash $file
        Set-FirefoxSecurityDevicePolicy -Remove -Name 'CAC Module' -PolicyPath $file -WhatIf
        (Get-FileHash $file).Hash | Should -Be $before.Hash
        (Set-FirefoxSecurityDevicePolicy -Remove -Name 'CAC Module' -PolicyPath $file).Delete | Should -Be @('CAC Module')
    }

    It 'refuses a file that is not JSON and leaves it alone' {
        $dir = New-TestDirectory 'policy'
        $Dirs.Add($dir)
        $file = Join-Path $dir 'policies.json'
        'not json' | Set-Content $file
        { Set-FirefoxSecurityDevicePolicy -Name X -ModulePath $OpenScLibraryPath -PolicyPath $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetFirefoxSecurityDevicePolicyInvalidData,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand'
        Get-Content $file | Should -Be 'not json'
    }

    It 'refuses a -ModulePath that does not exist or is no PKCS#11 library, as Register-NssModule does, unless -Force (issue 23, item 2)' {
        . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
        $dir = New-TestDirectory 'policy'
        $Dirs.Add($dir)
        $file = Join-Path $dir 'policies.json'
        { Set-FirefoxSecurityDevicePolicy -Name X -ModulePath /usr/lib/nothere.so -PolicyPath $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetFirefoxSecurityDevicePolicyNotFound,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand' -ExpectedMessage "*'/usr/lib/nothere.so' does not exist; nothing was written*-Force*"
        { Set-FirefoxSecurityDevicePolicy -Name X -ModulePath (Get-TestLibz) -PolicyPath $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetFirefoxSecurityDevicePolicyNotPkcs11,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand' -ExpectedMessage '*C_GetFunctionList*'
        Test-Path $file | Should -BeFalse
        # A policy prepared for machines where the library is installed.
        (Set-FirefoxSecurityDevicePolicy -Name X -ModulePath /usr/lib/nothere.so -PolicyPath $file -Force).Add['X'] | Should -Be '/usr/lib/nothere.so'
    }
}
