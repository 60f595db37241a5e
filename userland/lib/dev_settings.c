// SPDX-License-Identifier: GPL-2.0
/*
 * dev_settings: the table of an ipto device's settings (IPTO_CMD_DEV_SET,
 * IPTO_CMD_DEV_GET), in the order iptoctl lists them.
 */
#include "dev_settings.h"

#include <libmnl/libmnl.h>
#include <linux/ipto.h>

#include "names.h"

const struct dev_setting dev_settings[] = {
	{ "announce_count", IPTO_DEV_A_ANNOUNCE_COUNT, SETTING_NUMBER, NULL },
	{ "announce_interval_ms", IPTO_DEV_A_ANNOUNCE_INTERVAL_MS, SETTING_NUMBER, NULL },
	{ "reply_rate", IPTO_DEV_A_REPLY_RATE, SETTING_NUMBER, NULL },
	{ "reply_burst", IPTO_DEV_A_REPLY_BURST, SETTING_NUMBER, NULL },
	{ "lease_ms", IPTO_DEV_A_LEASE_MS, SETTING_NUMBER, NULL },
	{ "echo_reply", IPTO_DEV_A_ECHO_REPLY, SETTING_ON_OFF, "echo reply" },
	{ "default_action", IPTO_DEV_A_DEFAULT_ACTION, SETTING_ACTION, "default action" },
	{ "failback", IPTO_DEV_A_FAILBACK, SETTING_FAILBACK, "failback" },
};

const size_t n_dev_settings = MNL_ARRAY_SIZE(dev_settings);
_Static_assert(MNL_ARRAY_SIZE(dev_settings) <= IPTO_DEV_A_MAX,
	       "the settings are attributes of a device");

const char *dev_setting_word(const struct dev_setting *s, uint32_t value)
{
	if (value > UINT8_MAX)
		return NULL;
	switch (s->kind) {
	case SETTING_ON_OFF:
		return value ? "on" : "off";
	case SETTING_ACTION:
		return action_name((uint8_t)value);
	case SETTING_FAILBACK:
		return failback_name((uint8_t)value);
	default:
		return NULL;
	}
}
