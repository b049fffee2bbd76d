// SPDX-License-Identifier: GPL-2.0
/*
 * Domain replace latency through iommufd, for scripts/bench: a device attached to
 * one HWPT is moved to another and back, COUNT times, and the mean time of one
 * replace is printed as a "# bench" line.
 *
 *   bench-replace mock COUNT       a device of the iommufd mock driver
 *                                  (CONFIG_IOMMUFD_TEST)
 *   bench-replace vfio BDF COUNT   a PCI device bound to vfio-pci, through its
 *                                  VFIO cdev
 *
 * Built against the uAPI of the kernel tree it comes with and the mock driver's
 * iommufd_test.h (-I drivers/iommu/iommufd).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <dirent.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "iommufd_test.h"

static void die(const char *what)
{
	fprintf(stderr, "bench-replace: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned int ioas_alloc(int iommufd)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &cmd))
		die("IOMMU_IOAS_ALLOC");
	return cmd.out_ioas_id;
}

static unsigned int hwpt_alloc(int iommufd, unsigned int dev_id,
			       unsigned int ioas_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.pt_id = ioas_id,
	};

	if (ioctl(iommufd, IOMMU_HWPT_ALLOC, &cmd))
		die("IOMMU_HWPT_ALLOC");
	return cmd.out_hwpt_id;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void mock_replace(int iommufd, unsigned int stdev_id, unsigned int pt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace = { .pt_id = pt_id },
	};

	if (ioctl(iommufd, IOMMU_TEST_CMD, &cmd))
		die("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE");
}

static double bench_mock(int iommufd, long count)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	unsigned int hwpt[2];
	double start;
	long i;

	cmd.id = ioas_alloc(iommufd);
	if (ioctl(iommufd, IOMMU_TEST_CMD, &cmd))
		die("IOMMU_TEST_OP_MOCK_DOMAIN");
	/*
	 * Two HWPTs of our own: the automatic one of the attach above is freed
	 * as soon as the device leaves it.
	 */
	hwpt[0] = hwpt_alloc(iommufd, cmd.mock_domain.out_idev_id, cmd.id);
	hwpt[1] = hwpt_alloc(iommufd, cmd.mock_domain.out_idev_id,
			     ioas_alloc(iommufd));
	mock_replace(iommufd, cmd.mock_domain.out_stdev_id, hwpt[0]);

	start = now_us();
	for (i = 0; i < count; i++)
		mock_replace(iommufd, cmd.mock_domain.out_stdev_id,
			     hwpt[(i + 1) % 2]);
	return (now_us() - start) / count;
}

/* The VFIO cdev of a PCI device: /dev/vfio/devices/vfioN */
static int vfio_cdev_open(const char *bdf)
{
	char path[320];
	struct dirent *d;
	DIR *dir;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		die(path);
	while ((d = readdir(dir)) && strncmp(d->d_name, "vfio", 4))
		;
	if (!d)
		die("no vfio-dev entry");
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d->d_name);
	closedir(dir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	return fd;
}

static void vfio_attach(int device, unsigned int pt_id)
{
	struct vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.pt_id = pt_id,
	};

	if (ioctl(device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
}

static double bench_vfio(int iommufd, const char *bdf, long count)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int device = vfio_cdev_open(bdf);
	unsigned int hwpt[2];
	double start;
	long i;

	if (ioctl(device, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		die("VFIO_DEVICE_BIND_IOMMUFD");
	hwpt[0] = hwpt_alloc(iommufd, bind.out_devid, ioas_alloc(iommufd));
	hwpt[1] = hwpt_alloc(iommufd, bind.out_devid, ioas_alloc(iommufd));
	vfio_attach(device, hwpt[0]);

	start = now_us();
	for (i = 0; i < count; i++)
		vfio_attach(device, hwpt[(i + 1) % 2]);
	return (now_us() - start) / count;
}

int main(int argc, char **argv)
{
	int vfio = argc == 4 && !strcmp(argv[1], "vfio");
	int iommufd;
	long count;
	double us;

	if (!vfio && !(argc == 3 && !strcmp(argv[1], "mock"))) {
		fprintf(stderr, "usage: %s mock COUNT | vfio BDF COUNT\n", argv[0]);
		return 2;
	}
	count = atol(argv[argc - 1]);
	if (count <= 0) {
		fprintf(stderr, "bench-replace: COUNT must be positive\n");
		return 2;
	}
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("/dev/iommu");

	us = vfio ? bench_vfio(iommufd, argv[2], count) : bench_mock(iommufd, count);
	printf("# bench replace_%s %.2f us\n", argv[1], us);
	return 0;
}
