BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not ((Test-PcscFixtureRequired) -and (Test-Path /usr/sbin/sshd) -and (Get-Command ssh -ErrorAction SilentlyContinue))
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Pcsc = Start-TestPcsc

    # A private sshd on loopback whose powershell subsystem is this pwsh. Started from inside the test namespace,
    # it serves sessions in that namespace, so the remote side sees the fixture's pcscd.
    $script:SshDir = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-sshd-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $SshDir | Out-Null
    & chmod 0700 $SshDir
    $script:Key = Join-Path $SshDir 'client_key'
    & ssh-keygen -q -t ed25519 -N '' -f $Key
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $SshDir 'host_key')
    Copy-Item "$Key.pub" (Join-Path $SshDir 'authorized_keys')
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:Port = $listener.LocalEndpoint.Port; $listener.Stop()
    $dotnet = (Get-Command dotnet).Source
    @"
Port $Port
ListenAddress 127.0.0.1
HostKey $SshDir/host_key
AuthorizedKeysFile $SshDir/authorized_keys
PidFile $SshDir/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
Subsystem powershell $dotnet $(Join-Path $PSHOME 'pwsh.dll') -sshs -NoLogo -NoProfile
"@ | Set-Content (Join-Path $SshDir 'sshd_config')
    # sshd wants its privilege-separation directory.
    New-Item -ItemType Directory /run/sshd -Force | Out-Null
    $script:Sshd = Start-Process /usr/sbin/sshd -ArgumentList '-D', '-f', (Join-Path $SshDir 'sshd_config'), '-E', (Join-Path $SshDir 'sshd.log') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while (-not (Test-Connection 127.0.0.1 -TcpPort $Port -Quiet -TimeoutSeconds 1) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }

    $script:Remote = @{ HostName = '127.0.0.1'; Port = $Port; UserName = 'root'; KeyFilePath = $Key; Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null' } }
    $script:Manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
    $script:OpenScConf = Join-Path $SshDir 'opensc.conf'
    Set-Content $OpenScConf "app default {`n`treader_driver pcsc {`n`t`tenable_pinpad = false;`n`t}`n}`n"
}

AfterAll {
    if ($script:Sshd -and -not $Sshd.HasExited) { Stop-Process -Id $Sshd.Id }
    if ($script:SshDir) { Remove-Item $SshDir -Recurse -Force -ErrorAction SilentlyContinue }
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Remoting over SSH' -Skip:$NoFixture {
    BeforeAll {
        $Pcsc.Insert(0, '3B 02 14 50') | Out-Null
        Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
        $script:Results = Invoke-Command @Remote -ErrorAction Stop -ScriptBlock {
            Import-Module $using:Manifest
            Test-SmartCardSetup
            Get-OpenScConfiguration -Path $using:OpenScConf
            New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -RulesDirectory (Split-Path $using:OpenScConf) -WarningAction SilentlyContinue
        }
    }

    It "reports the fixture's readers and card from the remote session, with PSComputerName" {
        $checks = $Results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.SmartCardPS.Setup.SetupCheck' }
        $checks.Count | Should -BeGreaterThan 10
        $checks | ForEach-Object { $_.PSComputerName | Should -Be '127.0.0.1' }
        ($checks | Where-Object Name -EQ 'Readers').Detail | Should -BeLike "*'$([WildcardPattern]::Escape($Pcsc.ReaderNames[0]))'*"
        ($checks | Where-Object Name -EQ 'Card').Status | Should -Be 'Pass'
        ($checks | Where-Object Name -EQ 'PC/SC service').Status | Should -Be 'Pass'
        ($checks.Status | Sort-Object -Unique) | ForEach-Object { $_ | Should -BeIn 'Pass', 'Warn', 'Fail', 'Skip' }
    }

    It 'keeps the default views for deserialized objects' {
        $checks = $Results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.SmartCardPS.Setup.SetupCheck' }
        $table = $checks | Format-Table | Out-String -Width 80
        ($table -split "`n" | Where-Object { $_.Trim() } | Select-Object -First 1) | Should -Match '^Status\s+Name\s+Detail'
        ($checks | Where-Object Name -EQ 'Card' | Format-List | Out-String) | Should -Match 'Remedy\s*:'
        $config = $Results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.SmartCardPS.OpenSc.OpenScConfiguration' }
        ($config | Out-String) | Should -Match 'EnablePinPad\s*:\s*False'
        $rule = $Results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.SmartCardPS.Udev.UdevRule' }
        ($rule | Out-String) | Should -Match 'DevicePath\s*:\s*/dev/smargo'
    }

    It 'carries readable values for every new type' {
        $config = $Results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.SmartCardPS.OpenSc.OpenScConfiguration' }
        $config.EnablePinPad | Should -BeFalse
        $config.EnablePinPadSet | Should -BeTrue
        $config.Path | Should -Be $OpenScConf
        $rule = $Results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.SmartCardPS.Udev.UdevRule' }
        $rule.Rule | Should -BeLike 'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403"*'
        $rule.PSComputerName | Should -Be '127.0.0.1'
    }
}

Describe 'Serialization of the setup types' {
    It 'keeps <Type> readable through ConvertTo-Json and PSSerializer' -ForEach @(
        @{ Type = 'SmartCardUsbDevice'; Make = { [SmartCardPS.Usb.SmartCardUsbDevice]@{ Kind = 'Serial'; VendorId = '0403'; ProductId = '6001'; DevicePath = '/dev/ttyUSB0' } }; Property = 'Kind'; Value = 'Serial' }
        @{ Type = 'SetupCheck'; Make = { [SmartCardPS.Setup.SetupCheck]::new('Card', 'Warn', 'no reader holds a card', 'insert a card') }; Property = 'Status'; Value = 'Warn' }
        @{ Type = 'OpenScConfiguration'; Make = { [SmartCardPS.OpenSc.OpenScConfiguration]@{ Path = '/etc/opensc/opensc.conf'; EnablePinPad = $false } }; Property = 'EnablePinPad'; Value = $false }
        @{ Type = 'Pkcs11KeyTestResult'; Make = { [SmartCardPS.Pkcs11.Pkcs11KeyTestResult]@{ Key = 'web'; Token = 'MyToken'; Mechanism = 'CKM_ECDSA'; Status = 'Fail'; Detail = 'does not verify'; Elapsed = [timespan]::FromMilliseconds(3) } }; Property = 'Status'; Value = 'Fail' }
        @{ Type = 'Pkcs11CertificateRequest'; Make = { [SmartCardPS.Pkcs11.Pkcs11CertificateRequest]@{ Key = 'web'; Mechanism = 'CKM_ECDSA'; Subject = 'CN=web'; Pem = "-----BEGIN CERTIFICATE REQUEST-----`n" } }; Property = 'Mechanism'; Value = 'CKM_ECDSA' }
    ) {
        $Object = & $Make
        ($Object | ConvertTo-Json | ConvertFrom-Json).$Property | Should -Be $Value
        $clone = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Object))
        $clone.PSObject.TypeNames[0] | Should -Be "Deserialized.$($Object.GetType().FullName)"
        $clone.$Property | Should -Be $Value
        ($clone | Out-String) | Should -Be ($Object | Out-String)
    }
}
