# Helm plugin install/update hook on Windows (plugin.yaml): fetches fix-storage-windows-amd64.exe from the release
# plugin.yaml's version names, checks it against the release's sha256sums, runs it once, then puts it where
# platformCommand runs it. FIX_STORAGE_RELEASE_URL replaces the release address (a mirror or a local folder).
$ErrorActionPreference = 'Stop'
$dir = $env:HELM_PLUGIN_DIR
$version = ((Get-Content (Join-Path $dir 'plugin.yaml')) -match '^version:' | Select-Object -First 1) -replace '^version:\s*', '' -replace '["'' ]', ''
$base = if ($env:FIX_STORAGE_RELEASE_URL) { $env:FIX_STORAGE_RELEASE_URL } else { "https://github.com/fix-storage/fix-storage/releases/download/v$version" }
$asset = 'fix-storage-windows-amd64.exe'  # also runs on Windows on Arm, under x64 emulation
$bin = Join-Path $dir 'bin'
$executable = Join-Path $bin 'fix-storage-executable.exe'
$download = "$executable.download"

function Fail($message) {
  [Console]::Error.WriteLine("fix-storage: $message")
  [Console]::Error.WriteLine("fix-storage: download $asset from $base to $executable yourself, or set FIX_STORAGE_RELEASE_URL to a copy of the release and reinstall the plugin")
  exit 1
}

function Fetch($name, $target) {
  if (Test-Path -LiteralPath $base -PathType Container) { Copy-Item -LiteralPath (Join-Path $base $name) -Destination $target }
  else { Invoke-WebRequest -UseBasicParsing -Uri "$base/$name" -OutFile $target }
}

New-Item -ItemType Directory -Force -Path $bin | Out-Null
Write-Output "fix-storage: fetching $base/$asset"
try { Fetch $asset $download } catch { Fail "cannot download $base/${asset}: $_" }
$sums = "$download.sha256sums"
try { Fetch 'sha256sums' $sums } catch { Fail "cannot download $base/sha256sums: $_" }
$line = Get-Content $sums | Where-Object { ($_ -split '\s+')[1] -in @($asset, "*$asset") } | Select-Object -First 1
Remove-Item -Force $sums
if (-not $line) { Fail "$base/sha256sums has no line for $asset" }
$expected = ($line -split '\s+')[0].ToLower()
$actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $download).Hash.ToLower()
if ($actual -ne $expected) { Remove-Item -Force $download; Fail "$asset has sha256 $actual, but sha256sums says $expected" }
& $download --version | Out-Null
if ($LASTEXITCODE -ne 0) { Remove-Item -Force $download; Fail "$asset does not run on this machine" }
Move-Item -Force -LiteralPath $download -Destination $executable
Write-Output "fix-storage: installed $(& $executable --version) as $executable"
