#!/usr/bin/env bash
# Tags a release of gvisor-cell: an annotated tag vX.Y.Z on HEAD, and the major
# tag vX moved to the same commit. Pushes nothing: it prints the commands.
# See RELEASING.md for the whole procedure.
#
# Usage: scripts/release.sh vX.Y.Z
#
# Refuses, changing nothing, when:
#   - the version is not vMAJOR.MINOR.PATCH (no pre-releases: they would move
#     the major tag that users follow);
#   - the working tree is dirty (changes or untracked files);
#   - HEAD is not on main (set RELEASE_ALLOW_BRANCH=1 to release from another
#     branch, e.g. a v1 maintenance branch);
#   - the tag already exists here or on origin, or is not newer than the latest
#     vX.Y.Z tag;
#   - CHANGELOG.md has no "## [X.Y.Z]" section;
#   - dist/ differs from a fresh `npm ci && npm run build`, or the unit tests fail.
set -euo pipefail

die() { echo "release: $*" >&2; exit 1; }
say() { echo "release: $*" >&2; }

[ $# -eq 1 ] || die "usage: scripts/release.sh vX.Y.Z"
tag=$1
[[ "$tag" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  die "'$tag' is not a version like v1.2.3 (vMAJOR.MINOR.PATCH, no leading zeros, no pre-release suffix)"
version=${tag#v}
major="v${BASH_REMATCH[1]}"

cd "$(git rev-parse --show-toplevel)"
[ -f action.yml ] && [ -f package.json ] || die "run this in the gvisor-cell repository"

# A clean tree: the tag must name exactly what was tested and built.
if [ -n "$(git status --porcelain --untracked-files=normal)" ]; then
  git status --short >&2
  die "the working tree is not clean: commit or stash the changes above first"
fi

branch=$(git symbolic-ref --quiet --short HEAD || echo "(detached HEAD)")
if [ "$branch" != main ] && [ "${RELEASE_ALLOW_BRANCH:-}" != 1 ]; then
  die "HEAD is on $branch, not main (set RELEASE_ALLOW_BRANCH=1 to release from it anyway)"
fi

# The tag: not here, not on origin, and newer than every release so far.
if git rev-parse --quiet --verify "refs/tags/$tag" >/dev/null; then
  die "tag $tag already exists (on $(git rev-parse --short "refs/tags/$tag^{commit}")); releases are never re-tagged: pick the next version"
fi
if git remote get-url origin >/dev/null 2>&1; then
  remote_status=0
  timeout 30 git ls-remote --exit-code --tags origin "refs/tags/$tag" >/dev/null 2>&1 || remote_status=$?
  case "$remote_status" in
    0) die "tag $tag already exists on origin" ;;
    2) ;; # not there
    *) say "warning: could not ask origin whether $tag exists (git ls-remote exit $remote_status); the push will fail if it does" ;;
  esac
fi
latest=$(git tag --list 'v[0-9]*.[0-9]*.[0-9]*' | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n1 || true)
if [ -n "$latest" ] && [ "$(printf '%s\n%s\n' "$latest" "$tag" | sort -V | tail -n1)" != "$tag" ]; then
  die "$tag is not newer than the latest release, $latest"
fi

grep -q "^## \[$version\]" CHANGELOG.md ||
  die "CHANGELOG.md has no '## [$version] - YYYY-MM-DD' section: move the Unreleased entries there and commit"

pkg_version=$(node -p 'require("./package.json").version')
[ "$pkg_version" = "$version" ] || say "note: package.json says version $pkg_version (it is private and not published; the tag is what counts)"

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 24 ] || say "warning: building with Node $node_major; CI (check-dist) builds with Node 24, the action's runtime"

# dist/ is what users run: it must be exactly what this commit's src/ builds.
say "npm ci && npm run build (checking that dist/ is fresh)"
npm ci --no-audit --no-fund --loglevel=error >&2
npm run --silent build >&2
if [ -n "$(git status --porcelain --untracked-files=normal -- dist)" ]; then
  git status --short -- dist >&2
  git checkout --quiet -- dist && git clean -fdq -- dist
  die "dist/ is not what src/ builds: run 'npm run build', commit dist/, and run this again"
fi
say "unit tests"
npx vitest run --project unit >&2 || die "the unit tests fail"
[ -z "$(git status --porcelain --untracked-files=normal)" ] || die "building or testing changed the working tree; look at 'git status'"

commit=$(git rev-parse HEAD)
# The major tag as it is now (the tag object itself), to undo the move exactly.
previous_major=$(git rev-parse --quiet --verify "refs/tags/$major" || true)

git tag --annotate "$tag" --message "gvisor-cell $tag" "$commit"
git tag --force --annotate "$major" --message "gvisor-cell $tag (the latest $major release)" "$commit" >/dev/null

echo
was=""
[ -n "$previous_major" ] && was=" (it was on $(git rev-parse --short "$previous_major^{commit}"))"
echo "Tagged $tag and moved $major to $(git rev-parse --short "$commit")$was."
echo "Check, then push (nothing has been pushed):"
echo
echo "  git push origin refs/tags/$tag"
echo "  git push --force origin refs/tags/$major"
echo
echo "Then create the GitHub release for $tag from the CHANGELOG.md section, e.g.:"
echo "  gh release create $tag --verify-tag --title $tag --notes-file <(awk '/^## \\[$version\\]/{p=1;next} /^## \\[/{p=0} p' CHANGELOG.md)"
echo
echo "To undo before pushing:"
if [ -n "$previous_major" ]; then
  echo "  git tag -d $tag && git update-ref refs/tags/$major $previous_major"
else
  echo "  git tag -d $tag $major"
fi
