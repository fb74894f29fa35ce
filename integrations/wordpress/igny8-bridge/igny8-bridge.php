<?php
/**
 * Plugin Name:       IGNY8 Bridge
 * Description:       Receives articles published from IGNY8 (posts, terms, images, SEO meta) and reports status changes of those posts back to IGNY8.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            IGNY8
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       igny8-bridge
 *
 * This program is free software; you can redistribute it and/or modify it under the terms of the GNU General
 * Public License as published by the Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version. It is distributed WITHOUT ANY WARRANTY; see the GNU General Public License.
 */

defined( 'ABSPATH' ) || exit;

define( 'IGNY8_BRIDGE_VERSION', '0.1.0' );
define( 'IGNY8_BRIDGE_FILE', __FILE__ );

/** Option names (also used by uninstall.php). */
define( 'IGNY8_BRIDGE_OPT_API_KEY', 'igny8_bridge_api_key' );
define( 'IGNY8_BRIDGE_OPT_APP_URL', 'igny8_bridge_app_url' );

require_once __DIR__ . '/includes/class-igny8-bridge-settings.php';
require_once __DIR__ . '/includes/class-igny8-bridge-publisher.php';
require_once __DIR__ . '/includes/class-igny8-bridge-rest.php';
require_once __DIR__ . '/includes/class-igny8-bridge-webhook.php';

Igny8_Bridge_Settings::init();
Igny8_Bridge_Rest::init();
Igny8_Bridge_Webhook::init();
