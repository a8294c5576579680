# A write is durable only once the file and then its directory are on disk: every writer fsyncs its temporary
# file before the rename and the directory after it. Counted from the outside, with strace, in a real pwsh.
# And a process killed in the middle of a write leaves the old file whole: the new content only ever goes to a
# temporary file, which a rename puts in place. Killed for real (SIGKILL), at the atomic writer's fault points.

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

Describe 'A writer killed mid-write' {
    BeforeAll {
        $script:CoreDll = Join-Path $script:ModuleDir 'SmartCardPS.Core.dll'

        # Starts a pwsh that writes $Content to $Path and stops at $Stage, prints the temporary file there and waits to
        # be killed; returns once it is there, with the process and the temporary file.
        function Start-StoppedWriter([string] $Path, [string] $Content, [string] $Stage) {
            $script = @"
Add-Type -Path '$CoreDll'
`$seam = [SmartCardPS.P11Kit.Pkcs11ConfigWriter].Assembly.GetType('SmartCardPS.Os.AtomicFile').GetField('FaultPoint', [Reflection.BindingFlags]'NonPublic, Static').GetValue(`$null)
`$seam.Value = [Action[string, string]] { param(`$at, `$temp) if (`$at -eq '$Stage') { [Console]::Out.WriteLine("stopped `$temp"); [Console]::Out.Flush(); Start-Sleep 120 } }
[SmartCardPS.P11Kit.Pkcs11ConfigWriter]::WriteAtomic('$Path', [IO.File]::ReadAllText('$Path.new'))
"@
            Set-Content "$Path.new" $Content -NoNewline
            $info = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
            foreach ($a in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardOutput = $true
            $process = [Diagnostics.Process]::Start($info)
            $line = $process.StandardOutput.ReadLine()
            if ($line -notmatch '^stopped (.+)$') { $process.Kill(); throw "The writer did not stop at '$Stage': $line" }
            [pscustomobject]@{ Process = $process; Temp = $Matches[1] }
        }
    }

    BeforeEach {
        $script:Dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $Dir | Out-Null
        $script:File = Join-Path $Dir 'opensc.module'
        $script:Old = "# kept by the administrator`nmodule: old-pkcs11.so`n"
        $script:New = "module: new-pkcs11.so`n" + ('#' * 65536) + "`n"
        Set-Content $File $Old -NoNewline
    }

    It 'leaves the complete old file when the writer is killed <Stage>' -ForEach @(
        @{ Stage = 'partial'; When = 'half-way through writing' }, @{ Stage = 'written'; When = 'between writing and renaming' }) {
        $writer = Start-StoppedWriter -Path $File -Content $New -Stage $Stage
        try {
            $writer.Temp | Should -Not -Be $File
            (Split-Path $writer.Temp) | Should -Be $Dir
            $written = (Get-Item -Force $writer.Temp).Length
            if ($Stage -eq 'partial') { $written | Should -BeLessThan $New.Length } else { $written | Should -Be $New.Length }
        }
        finally {
            $writer.Process.Kill()
            $writer.Process.WaitForExit()
        }
        Get-Content $File -Raw | Should -BeExactly $Old -Because "killed $When"
    }
}
