# Dot-sourced by the setup Pester files: the shared Common.ps1 and a child pwsh running the built module,
# optionally under a wrapper such as umockdev-run.

. (Join-Path $PSScriptRoot 'Common.ps1')

# Runs $Script in a new pwsh with the module imported, behind the wrapper command $Wrapper; returns its output lines.
function Invoke-ChildPwsh([string] $Script, [string[]] $Wrapper = @()) {
    $hostPath = [Environment]::ProcessPath
    $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $prelude = "`$ErrorActionPreference = 'Stop'; Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; "
    # .NET's diagnostics IPC deadlocks under umockdev's preload library.
    $env:DOTNET_EnableDiagnostics = '0'
    try {
        $all = @($Wrapper) + @($hostPath) + $hostArgs + @('-NoProfile', '-NonInteractive', '-Command', $prelude + $Script)
        & $all[0] @($all | Select-Object -Skip 1) 2>&1
    }
    finally { Remove-Item Env:DOTNET_EnableDiagnostics }
}
