# A write is durable only once the file and then its directory are on disk: every writer fsyncs its temporary
# file before the rename and the directory after it. Counted from the outside, with strace, in a real pwsh.

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:Scratch = New-TestDirectory 'durable'
    $script:Db = New-TestNssDatabase
    # Each writer's file, and the command that writes it.
    $script:Writes = [ordered]@{
        "$Scratch/opensc.conf"        = "Set-OpenScConfiguration -Path '$Scratch/opensc.conf' -EnablePinPad `$false -Create"
        "$Scratch/policies.json"      = "Set-FirefoxSecurityDevicePolicy -PolicyPath '$Scratch/policies.json' -Name X -ModulePath '$SoftHsmLibrary'"
        "$Scratch/98-reader.rules"    = "New-SmartCardUdevRule -Name reader -VendorId 072f -ProductId 90cc -RulesDirectory '$Scratch' -WarningAction SilentlyContinue"
        "$Db/pkcs11.txt"              = "Register-NssModule -NssDatabase '$Db' -Name SoftHSM -ModulePath '$SoftHsmLibrary'"
    }
    $script:Log = Join-Path $Scratch 'strace.log'
    $script:HasStrace = [bool](Get-Command strace -ErrorAction SilentlyContinue)
    if (-not $HasStrace) { return }
    $command = "Import-Module '$ModuleDir/SmartCardPS.psd1'; " + (@($Writes.Values | ForEach-Object { "$_ | Out-Null" }) -join '; ')
    & strace -f -qq -y -e trace=fsync,fdatasync -o $Log (Get-Command dotnet).Source (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $command
    $script:ExitCode = $LASTEXITCODE
    # "1234  fsync(12</dir/.name.1a2b3c4d.tmp>) = 0" -> the path
    $script:Synced = @(Get-Content $Log | ForEach-Object { if ($_ -match '(?:fsync|fdatasync)\(\d+<([^>]*)>\) = 0') { $Matches[1] } })
}

AfterAll { Remove-Item $Scratch, $Db -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Durable writes' {
    It 'every writer ran' {
        Assert-TestDependency $HasStrace 'strace (apt-get install strace)'
        $ExitCode | Should -Be 0
        foreach ($file in $Writes.Keys) { Test-Path $file | Should -BeTrue -Because "$file must have been written" }
    }

    It 'fsyncs the temporary file of <_> before the rename, and its directory after' -ForEach @(
        'opensc.conf', 'policies.json', '98-reader.rules', 'pkcs11.txt'
    ) {
        Assert-TestDependency $HasStrace 'strace (apt-get install strace)'
        $name = $_
        $file = @($Writes.Keys | Where-Object { (Split-Path $_ -Leaf) -eq $name })[0]
        $dir = Split-Path $file
        $temp = [regex]::Escape("$dir/.$(Split-Path $file -Leaf).") + '[0-9a-f]{8}\.tmp$'
        $tempAt = [array]::FindIndex([string[]]$Synced, [Predicate[string]] { param($p) $p -match $temp })
        $tempAt | Should -BeGreaterOrEqual 0 -Because "the temporary file of $file must be fsynced; fsynced: $($Synced -join ', ')"
        $Synced[($tempAt + 1)..($Synced.Count - 1)] | Should -Contain $dir -Because 'the directory must be fsynced after the rename'
    }
}
