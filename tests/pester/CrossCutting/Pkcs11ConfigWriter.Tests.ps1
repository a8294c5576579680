# A process killed in the middle of writing a module config leaves the old file whole: the new content only ever
# goes to a temporary file, which a rename puts in place. Killed for real (SIGKILL), at the writer's fault points.
BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
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

Describe 'Writing a module config' {
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
