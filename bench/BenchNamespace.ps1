# Dot-sourced by the benches that need pcscd: builds what is missing and runs the calling script again inside
# tests/tools/ns-run.sh, so the private pcscd never touches the machine's. Returns the exit code to exit with.
function Invoke-InPcscNamespace([string] $ScriptPath, [System.Collections.IDictionary] $Parameters, [string] $ModuleDir) {
    $root = Resolve-Path (Join-Path $PSScriptRoot '..')
    # Everything the children print goes to the host: this function's only output is the exit code.
    if (-not (Test-Path (Join-Path $ModuleDir 'SmartCardPS.psd1'))) { & dotnet pwsh (Join-Path $root 'build.ps1') | Out-Host; if ($LASTEXITCODE) { return $LASTEXITCODE } }
    & dotnet build (Join-Path $root 'tests/SmartCardPS.TestFixture/SmartCardPS.TestFixture.csproj') -c Release --nologo -v quiet | Out-Host
    if ($LASTEXITCODE) { return $LASTEXITCODE }
    $arguments = @(foreach ($name in $Parameters.Keys | Where-Object { $_ -ne 'ModuleDir' }) { "-$name"; $Parameters[$name] })
    & (Join-Path $root 'tests/tools/ns-run.sh') dotnet pwsh -NoProfile -File $ScriptPath @arguments -ModuleDir (Resolve-Path $ModuleDir) | Out-Host
    return $LASTEXITCODE
}
