// SOURCES: components/vmm/iomap.c
/* Host tests of the VMM's device map (iomap): port and MMIO ranges, the
 * refusals, the fallback. The map is one per program and has no reset, so
 * the tests run in order on what the ones before registered. */
#include "host.h"

#include "../../components/vmm/iomap.h"

static int dev_a, dev_b, dev_fb;

static uint32_t io_read(void *dev, uint16_t port, unsigned size) { return port; }
static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value) {}
static const struct vmm_io_ops ops = { io_read, io_write };

static uint64_t mmio_read(void *dev, uint64_t offset, unsigned size) { return offset; }
static void mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value) {}
static const struct vmm_mmio_ops mops = { mmio_read, mmio_write };

/* Before any fallback: a port nobody claims reads all ones. */
static void test_unclaimed(void **state)
{
    const struct vmm_io_range *r = vmm_io_find(0x80);
    assert_non_null(r);
    assert_int_equal(r->ops->read(r->dev, 0x80, 1), 0xffffffffu);
    r->ops->write(r->dev, 0x80, 1, 0x12);
}

static void test_ports(void **state)
{
    assert_int_equal(vmm_io_register(0x20, 0x21, &ops, &dev_a), CAIRN_OK);
    assert_int_equal(vmm_io_register(0x3f8, 0x3ff, &ops, &dev_b), CAIRN_OK);
    assert_int_equal(vmm_io_register(0x61, 0x61, &ops, &dev_a), CAIRN_OK);
    assert_ptr_equal(vmm_io_find(0x20)->dev, &dev_a);
    assert_ptr_equal(vmm_io_find(0x21)->dev, &dev_a);
    assert_ptr_equal(vmm_io_find(0x61)->dev, &dev_a);
    assert_ptr_equal(vmm_io_find(0x3f8)->dev, &dev_b);
    assert_ptr_equal(vmm_io_find(0x3ff)->dev, &dev_b);
    assert_ptr_not_equal(vmm_io_find(0x22)->dev, &dev_a);
    assert_ptr_not_equal(vmm_io_find(0x3f7)->dev, &dev_b);
    assert_ptr_not_equal(vmm_io_find(0x400)->dev, &dev_b);
}

static void test_port_refusals(void **state)
{
    assert_int_equal(vmm_io_register(0x21, 0x22, &ops, &dev_b), CAIRN_EEXIST); /* its first */
    assert_int_equal(vmm_io_register(0x3f0, 0x3f8, &ops, &dev_a), CAIRN_EEXIST); /* its last */
    assert_int_equal(vmm_io_register(0x3f9, 0x3fa, &ops, &dev_a), CAIRN_EEXIST); /* inside */
    assert_int_equal(vmm_io_register(0x0, 0xffff, &ops, &dev_a), CAIRN_EEXIST); /* around */
    assert_int_equal(vmm_io_register(0x61, 0x61, &ops, &dev_a), CAIRN_EEXIST); /* again */
    assert_int_equal(vmm_io_register(0x70, 0x6f, &ops, &dev_a), CAIRN_EINVAL);
    assert_int_equal(vmm_io_register(0x70, 0x71, 0, &dev_a), CAIRN_EINVAL);
    assert_ptr_equal(vmm_io_find(0x22)->ops->read, vmm_io_find(0x80)->ops->read); /* unclaimed */
}

static void test_fallback(void **state)
{
    vmm_io_fallback(&ops, &dev_fb);
    assert_ptr_equal(vmm_io_find(0x80)->dev, &dev_fb);
    assert_int_equal(vmm_io_find(0xc010)->ops->read(&dev_fb, 0xc010, 2), 0xc010);
    assert_ptr_equal(vmm_io_find(0x20)->dev, &dev_a); /* a range still wins */
}

static void test_ports_full(void **state)
{
    unsigned added = 0;
    cairn_status_t st = CAIRN_OK;
    for (uint16_t p = 0x1000; st == CAIRN_OK; p += 2)
        if ((st = vmm_io_register(p, p + 1, &ops, &dev_b)) == CAIRN_OK)
            added++;
    assert_int_equal(st, CAIRN_ENOMEM);
    assert_int_equal(added, VMM_IO_RANGES - 3);
    assert_ptr_equal(vmm_io_find(0x1000 + 2 * (added - 1) + 1)->dev, &dev_b);
    assert_ptr_equal(vmm_io_find(0x1000 + 2 * added)->dev, &dev_fb);
}

static void test_mmio(void **state)
{
    assert_null(vmm_mmio_find(0xfee00000u));
    assert_int_equal(vmm_mmio_register(0xfee00000u, 0x1000, &mops, &dev_a), CAIRN_OK);
    assert_int_equal(vmm_mmio_register(0xfec00000u, 0x1000, &mops, &dev_b), CAIRN_OK);
    assert_ptr_equal(vmm_mmio_find(0xfee00000u)->dev, &dev_a);
    assert_ptr_equal(vmm_mmio_find(0xfee00fffu)->dev, &dev_a);
    assert_ptr_equal(vmm_mmio_find(0xfec00030u)->dev, &dev_b);
    assert_null(vmm_mmio_find(0xfee01000u));
    assert_null(vmm_mmio_find(0xfedfffffu));
    assert_null(vmm_mmio_find(0));
    assert_int_equal(vmm_mmio_register(0xfedff000u, 0x1001, &mops, &dev_b), CAIRN_EEXIST);
    assert_int_equal(vmm_mmio_register(0xfee00fffu, 1, &mops, &dev_b), CAIRN_EEXIST);
    assert_int_equal(vmm_mmio_register(0xfe000000u, 0x2000000, &mops, &dev_b), CAIRN_EEXIST);
    assert_int_equal(vmm_mmio_register(0xfee01000u, 0, &mops, &dev_b), CAIRN_EINVAL);
    assert_int_equal(vmm_mmio_register(~0ull - 0xfff, 0x1000, &mops, &dev_b), CAIRN_EINVAL);
    assert_int_equal(vmm_mmio_register(0xfee01000u, 0x1000, 0, &dev_b), CAIRN_EINVAL);
    /* adjacent to a window: no overlap */
    assert_int_equal(vmm_mmio_register(0xfee01000u, 0x1000, &mops, &dev_b), CAIRN_OK);
    assert_ptr_equal(vmm_mmio_find(0xfee01000u)->dev, &dev_b);
    assert_ptr_equal(vmm_mmio_find(0xfee00fffu)->dev, &dev_a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unclaimed),  cmocka_unit_test(test_ports),
        cmocka_unit_test(test_port_refusals), cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_ports_full), cmocka_unit_test(test_mmio),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
