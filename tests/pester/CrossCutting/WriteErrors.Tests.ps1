# Every writer refused by the file system, as an ordinary user over root's files: one PermissionDenied error whose
# message names the file quoted and says what to do, written by one shared mapping (issue 22's WriteFileError).
BeforeDiscovery {
    $script:NotRoot = -not $IsLinux -or ((& id -u) -ne '0') -or -not (Get-Command setpriv -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:UserHome = New-TestUserHome
    # Root's directory and files, readable by all and writable by root only.
    $script:RootDir = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-rootonly-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $RootDir | Out-Null
    & chmod 0755 $RootDir
    Set-Content (Join-Path $RootDir 'opensc.conf') "app default {`n    reader_driver pcsc {`n    }`n}"
    Set-Content (Join-Path $RootDir 'policies.json') '{ "policies": {} }'
    New-Item -ItemType Directory (Join-Path $RootDir 'nssdb') | Out-Null
    & certutil -N --empty-password -d "sql:$(Join-Path $RootDir 'nssdb')" | Out-Null
    & chmod -R a+rX $RootDir

    # Each command as the test user; one line per error: its id, category and message.
    function Invoke-Refused([string] $Command) {
        $script = "$Command -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null; foreach (`$r in `$e) { '{0}|{1}|{2}' -f `$r.FullyQualifiedErrorId, `$r.CategoryInfo.Category, `$r.Exception.Message }"
        @(Invoke-AsTestUser -HomeDir $UserHome -Script $script | ForEach-Object { "$_" } | Where-Object { $_ -match '\|' })
    }
}

AfterAll {
    Remove-TestUserPwsh
    if ($RootDir -and (Test-Path $RootDir)) { Remove-Item $RootDir -Recurse -Force }
    if ($UserHome -and (Test-Path $UserHome)) { Remove-Item $UserHome -Recurse -Force }
}

Describe 'A write the file system refuses' -Skip:$NotRoot {
    It '<Command> says PermissionDenied, names the file quoted and says <Remedy>' -ForEach @(
        @{ Command = 'Set-OpenScConfiguration -Path {0}/opensc.conf -EnablePinPad $false -Confirm:$false'; Id = 'SetOpenScConfigurationPermissionDenied'; File = 'opensc.conf'; Remedy = '*run elevated (sudo)*' }
        @{ Command = "Set-FirefoxSecurityDevicePolicy -PolicyPath {0}/policies.json -Name OpenSC -ModulePath /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so -Confirm:`$false"; Id = 'SetFirefoxSecurityDevicePolicyPermissionDenied'; File = 'policies.json'; Remedy = '*-PolicyPath*' }
        @{ Command = "Register-NssModule -NssDatabase {0}/nssdb -Name OpenSC -ModulePath /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so -Confirm:`$false"; Id = 'RegisterNssModulePermissionDenied'; File = 'pkcs11.txt'; Remedy = "*the profile's owner or elevated*" }
        @{ Command = 'New-SmartCardUdevRule -Name reader -VendorId 0403 -ProductId 6001 -RulesDirectory {0} -Confirm:$false'; Id = 'NewSmartCardUdevRulePermissionDenied'; File = '-reader.rules'; Remedy = '*run elevated (sudo)*' }
        @{ Command = "Test-SmartCardSetup -Check 'PKCS#11 modules' -ReportPath {0}/report.xml"; Id = 'TestSmartCardSetupPermissionDenied'; File = 'report.xml'; Remedy = '*-ReportPath*' }
    ) {
        $errors = @(Invoke-Refused ($Command -f $RootDir))
        $errors.Count | Should -Be 1 -Because ($errors -join "`n")
        $fqid, $category, $message = $errors[0] -split '\|', 3
        $fqid | Should -BeLike "$Id,SmartCardPS.Commands.*Command"
        $category | Should -Be 'PermissionDenied'
        $message | Should -BeLike "Permission denied writing '$RootDir/*$File'*"
        $message | Should -BeLike $Remedy
    }
}
