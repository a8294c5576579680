BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/SetupCommon.ps1')
    # An ACS ACR38U (CCID, in libccid's list) and an FTDI serial adapter (a Smargo), faked in /sys by umockdev.
    # One child process for both looks: pwsh starts slowly under umockdev's preload library.
    $devices = Join-Path $PSScriptRoot '../Support/data/usb-readers.umockdev'
    $script:Child = Invoke-ChildPwsh '$d = Get-SmartCardUsbDevice -WarningAction SilentlyContinue; $d | ConvertTo-Json -Compress; $d | Out-String -Width 80' -Wrapper @('umockdev-run', '--device', $devices, '--')
    $script:ChildExit = $LASTEXITCODE
}

Describe 'Get-SmartCardUsbDevice' {
    It 'lists a CCID reader and a serial adapter that umockdev fakes in /sys' {
        $ChildExit | Should -Be 0 -Because ($Child -join "`n")
        $devices = $Child[0] | ConvertFrom-Json
        $devices.Count | Should -Be 2
        $acs = $devices | Where-Object VendorId -EQ '072f'
        $acs.ProductId | Should -Be '90cc'
        $acs.Kind | Should -Be 'Ccid'
        $acs.SupportedByCcid | Should -BeTrue
        $acs.DevicePath | Should -Be '/dev/bus/usb/001/005'
        $acs.ReaderName | Should -Be 'ACS ACR 38U-CCID [CCID Interface] (123456) 00 00'
        $acs.Listed | Should -BeFalse
        $ftdi = $devices | Where-Object VendorId -EQ '0403'
        $ftdi.Kind | Should -Be 'Serial'
        $ftdi.DevicePath | Should -Be '/dev/ttyUSB0'
        $ftdi.Driver | Should -Be 'ftdi_sio'
        $ftdi.Serial | Should -Be 'A1B2C3'
    }

    It 'filters by -Kind and reads a -SysfsRoot tree' {
        $root = Join-Path $TestDrive 'root'
        Add-TestUsbDevice $root 1-1 1050 0407 0b
        $d = Get-SmartCardUsbDevice -SysfsRoot $root -Kind Ccid -WarningAction SilentlyContinue
        $d.VendorId | Should -Be '1050'
        $d.SupportedByCcid | Should -BeTrue
        $d.ReaderName | Should -BeLike 'Yubico YubiKey OTP+FIDO+CCID*'
        Get-SmartCardUsbDevice -SysfsRoot $root -Kind Serial -WarningAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'shows ids, kind and support in the default view at 80 columns' {
        ($Child | Select-Object -Skip 1) -join "`n" | Should -BeLike '*072f:90cc*Ccid*True*/dev/bus/usb/001/005*0403:6001*Serial*/dev/ttyUSB0*'
    }
}
