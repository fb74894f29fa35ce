<?php
/**
 * Removes the plugin's options when it is deleted from the Plugins screen.
 * Posts, media and their _igny8_* meta are left in place: they are the site's content.
 *
 * @package Igny8_Bridge
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'igny8_bridge_api_key' );
delete_option( 'igny8_bridge_app_url' );
