BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    # Writing /etc/udev/rules.d needs the private mount namespace (a tmpfs over it) and udev installed.
    $script:NoNamespace = -not ($env:SMARTCARDPS_PCSC_NAMESPACE -eq '1' -and (Test-Path /etc/udev/rules.d) -and (Get-Command udevadm -ErrorAction SilentlyContinue))
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/SetupCommon.ps1')
    $script:CommandId = 'SmartCardPS.Commands.NewSmartCardUdevRuleCommand'
    $script:Smargo = 'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ATTRS{serial}=="A1B2C3", GROUP="dialout", MODE="0660", SYMLINK+="smargo"'
}

Describe 'New-SmartCardUdevRule' -Skip:$NoNamespace {
    BeforeAll {
        # Only this namespace sees the tmpfs mounts: the machine's rules, and the device database udevadm test
        # writes under /run/udev, stay as they are.
        New-Item -ItemType Directory /run/udev -Force | Out-Null
        foreach ($dir in '/etc/udev/rules.d', '/run/udev') {
            & mount -t tmpfs -o mode=0755 tmpfs $dir
            if ($LASTEXITCODE) { throw "Could not mount a tmpfs over $dir." }
        }
    }
    AfterAll { & umount /etc/udev/rules.d; & umount /run/udev }
    BeforeEach { Get-ChildItem /etc/udev/rules.d -Force | Remove-Item -Force }

    It 'writes nothing with -WhatIf' {
        New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -WhatIf | Should -BeNullOrEmpty
        Get-ChildItem /etc/udev/rules.d | Should -BeNullOrEmpty
    }

    It "writes the ArchWiki's Smargo rule with the serial, group dialout and mode 0660, which udev reads without complaint" {
        $rule = New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -WarningVariable warnings -WarningAction SilentlyContinue
        $rule.Path | Should -Be '/etc/udev/rules.d/98-smargo.rules'
        $rule.Rule | Should -Be $Smargo
        $rule.DevicePath | Should -Be '/dev/smargo'
        $rule.Validated | Should -BeTrue
        (Get-Content $rule.Path) | Should -Contain $Smargo
        (& stat -c '%a' $rule.Path) | Should -Be '644'
        # No udevd runs here: the rule is written and checked, and the reload failure is a warning, not an error.
        $rule.Applied | Should -BeFalse
        ($warnings -join "`n") | Should -BeLike '*udevd did not reload*'
        $udev = (& udevadm test --action=add /sys/class/tty/tty 2>&1) -join "`n"
        $udev | Should -BeLike '*Reading rules file: /etc/udev/rules.d/98-smargo.rules*'
    }

    It 'warns for a world-writable mode and for a rule without a serial, and still writes what was asked' {
        $rule = New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Group video -Mode 0666 -WarningVariable warnings -WarningAction SilentlyContinue
        $rule.Rule | Should -Be 'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", GROUP="video", MODE="0666", SYMLINK+="smargo"'
        ($warnings -join "`n") | Should -BeLike '*MODE="0666" lets every user*'
        ($warnings -join "`n") | Should -BeLike '*Without -Serial the rule matches every USB adapter 0403:6001*'
    }

    It 'takes ids written 0x0403, as C and lsusb -v write them (issue 23, item 13)' {
        $rule = New-SmartCardUdevRule -Name smargo -VendorId 0x0403 -ProductId 0X6001 -Serial A1B2C3 -WarningAction SilentlyContinue
        $rule.Rule | Should -Be $Smargo
        (Get-Content $rule.Path) | Should -Contain $Smargo
    }

    It 'says what a bad value should look like, in words, without a pattern or a parameter suffix (issue 23, item 13)' -ForEach @(
        @{ Parameter = 'VendorId'; Value = '403'; Expected = "-VendorId '403' is not a USB vendor id: give its four hex digits as lsusb prints them, such as 0403 or 0x0403*" }
        @{ Parameter = 'ProductId'; Value = '60011'; Expected = "-ProductId '60011' is not a USB product id: give its four hex digits as lsusb prints them, such as 6001 or 0x6001*" }
        @{ Parameter = 'Mode'; Value = '0669'; Expected = "-Mode '0669' is not an octal mode such as 0660*" }
    ) {
        $arguments = @{ Name = 'smargo'; VendorId = '0403'; ProductId = '6001'; Serial = 'A1B2C3' }
        $arguments[$Parameter] = $Value
        $err = { New-SmartCardUdevRule @arguments -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "NewSmartCardUdevRuleInvalidValue,$CommandId" -PassThru
        $err.Exception.Message | Should -BeLike $Expected
        $err.Exception.Message | Should -Not -Match '[\^$\[\]{}]|\(Parameter '
        Get-ChildItem /etc/udev/rules.d | Should -BeNullOrEmpty
    }

    It 'refuses to replace a file with other content unless -Force' {
        Set-Content /etc/udev/rules.d/98-smargo.rules '# mine'
        { New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "NewSmartCardUdevRuleFileExists,$CommandId"
        Get-Content /etc/udev/rules.d/98-smargo.rules | Should -Be '# mine'
        New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -Force -WarningAction SilentlyContinue | Out-Null
        (Get-Content /etc/udev/rules.d/98-smargo.rules) | Should -Contain $Smargo
    }

    It 'puts back the previous file when udev rejects the rule' {
        Set-Content /etc/udev/rules.d/98-smargo.rules '# before'
        { New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -Group nosuchgroupsmartcardps -Force -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "NewSmartCardUdevRuleInvalidRule,$CommandId" -ExpectedMessage "*Unknown group 'nosuchgroupsmartcardps'*"
        Get-Content /etc/udev/rules.d/98-smargo.rules | Should -Be '# before'
        { New-SmartCardUdevRule -Name other -VendorId 0403 -ProductId 6001 -Serial A1 -Group nosuchgroupsmartcardps -Force -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "NewSmartCardUdevRuleInvalidRule,$CommandId"
        Test-Path /etc/udev/rules.d/98-other.rules | Should -BeFalse
    }

    It 'refuses a -Group this machine does not have unless -Force, also where udev would not check it (issue 23, item 2)' {
        $rules = Join-Path $TestDrive 'group-rules'
        $err = { New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -Group nosuchgroupsmartcardps -RulesDirectory $rules -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "NewSmartCardUdevRuleGroupNotFound,$CommandId" -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -BeLike "*no group 'nosuchgroupsmartcardps'*getent group*nothing was written*-Force*"
        Test-Path (Join-Path $rules '98-smargo.rules') | Should -BeFalse
        # Rules prepared for another machine, where the group exists.
        $rule = New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -Group nosuchgroupsmartcardps -RulesDirectory $rules -Force -WarningAction SilentlyContinue
        $rule.Group | Should -Be 'nosuchgroupsmartcardps'
        # A group that exists, as getent knows it.
        (& getent group video) | Should -Not -BeNullOrEmpty
        (New-SmartCardUdevRule -Name cam -VendorId 0403 -ProductId 6001 -Serial A1 -Group video -RulesDirectory $rules -WarningAction SilentlyContinue).Group | Should -Be 'video'
    }

    It 'takes the ids and serial of a reader from Get-SmartCardUsbDevice, and warns that udev does not read another directory' {
        $root = Join-Path $TestDrive 'root'
        Add-TestUsbDevice $root 1-3 0403 6001 ff -Serial A1B2C3 -Tty ttyUSB0
        $rules = Join-Path $TestDrive 'rules'
        $rule = Get-SmartCardUsbDevice -SysfsRoot $root -Kind Serial -WarningAction SilentlyContinue |
            New-SmartCardUdevRule -Name smargo -RulesDirectory $rules -WarningVariable warnings -WarningAction SilentlyContinue
        $rule.Rule | Should -Be $Smargo
        $rule.Validated | Should -BeFalse
        (Get-Content (Join-Path $rules '98-smargo.rules')) | Should -Contain $Smargo
        ($warnings -join "`n") | Should -BeLike "*udev does not read $rules*"
    }
}
