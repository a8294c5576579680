# Dot-sourced by the Pester files that run the help examples: what an example's help says it does, checked against
# what it did, so an example that runs but shows nothing, or writes what -WhatIf promised not to, fails.
# The help's own words say which: an example that lists, shows or reports must output something; one with -WhatIf
# must change no file; one that writes, registers, loads, removes or creates must change a file.

# Examples about what the test machine has none of, by a text of their code: they run, but have nothing to show or write.
$script:ExamplesWithNothingHere = [ordered]@{
    "-Name 'Yubico*'"                   = 'no reader is a Yubico'
    'Where-Object IsRunning'            = 'no Firefox is running'
    'Get-SmartCardUsbDevice'            = 'no USB reader is plugged in'
    'Get-SmartCardClient'               = 'no other program is connected to the examples'' pcscd'
}

function Get-ExampleClaim([string] $Code, [string] $Remark) {
    if ($Code -match '-WhatIf\b') { return 'ChangesNothing' }
    foreach ($text in $script:ExamplesWithNothingHere.Keys) { if ($Code.Contains($text)) { return 'Runs' } }
    if ($Remark -match '^(Writes|Registers|Loads|Removes|Gives|The ArchWiki (recipe|step))\b') { return 'ChangesFiles' }
    if ($Remark -match '\b(Lists|Shows|shows|Decodes|Reports|Returns|Counts|Whether|Accepts|Asks|Connects|Opens|lists)\b') { return 'Outputs' }
    'Runs'
}

# Each file under these folders with its size and time, to compare before and after an example.
function Get-FileSnapshot([string[]] $Path) {
    @(foreach ($p in $Path) {
            if (Test-Path -LiteralPath $p) {
                Get-ChildItem -LiteralPath $p -Recurse -Force -File | ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }
            }
        }) | Sort-Object
}

function Assert-ExampleClaim([string] $Claim, [object[]] $Output, [string[]] $Before, [string[]] $After, [string] $Because) {
    switch ($Claim) {
        'Outputs' { ($Output | Out-String -Width 250).Trim() | Should -Not -BeNullOrEmpty -Because "$Because (its help says it shows something)" }
        'ChangesNothing' { $After -join "`n" | Should -Be ($Before -join "`n") -Because "$Because (-WhatIf writes nothing)" }
        'ChangesFiles' { $After -join "`n" | Should -Not -Be ($Before -join "`n") -Because "$Because (its help says it writes)" }
    }
}
