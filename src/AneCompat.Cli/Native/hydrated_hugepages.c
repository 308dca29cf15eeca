/*
 * Linked into the Linux NativeAOT executable only (see AneCompat.Cli.csproj).
 *
 * At start-up the .NET runtime writes its type data (~4 MiB here: method tables, frozen strings) into the
 * executable's zero-filled data segment before Main runs. Touching that memory one 4 KiB page at a time is ~1,000
 * page faults, the largest single cost of a short run. This constructor runs before the runtime and asks the kernel
 * to back the 2 MiB-aligned part of that segment with transparent huge pages, where the kernel offers them (THP
 * "madvise" or "always"); elsewhere the call fails and nothing changes.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

static int advise_zero_filled_segments(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || segment->p_memsz <= segment->p_filesz) continue;
        uintptr_t start = info->dlpi_addr + segment->p_vaddr + segment->p_filesz;
        uintptr_t end = info->dlpi_addr + segment->p_vaddr + segment->p_memsz;
        uintptr_t first = (start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        uintptr_t last = end & ~(HUGE_PAGE - 1);
        if (last > first) madvise((void *)first, last - first, MADV_HUGEPAGE);
    }
    return 1; /* the first object listed is the executable itself: stop there */
}

__attribute__((constructor)) static void anecompat_advise_huge_pages(void)
{
    dl_iterate_phdr(advise_zero_filled_segments, 0);
}
