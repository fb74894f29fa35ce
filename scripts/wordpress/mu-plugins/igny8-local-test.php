<?php
/**
 * Plugin Name: IGNY8 local test environment
 * Description: Installed only by scripts/wordpress-local.sh. Lets this throw-away WordPress download images from
 *              loopback servers on any port (WordPress's safe HTTP API refuses them otherwise), as the IGNY8 test
 *              suite serves its images from 127.0.0.1, and stops it from checking WordPress.org for updates
 *              (blocked here, which only logs warnings). Never ship this with the bridge plugin.
 * License:     GPL-2.0-or-later
 */

defined( 'ABSPATH' ) || exit;

if ( 'local' === wp_get_environment_type() ) {
	add_filter(
		'http_request_host_is_external',
		static function ( $external, $host ) {
			return $external || in_array( strtolower( $host ), array( '127.0.0.1', 'localhost' ), true );
		},
		10,
		2
	);
	add_filter(
		'http_allowed_safe_ports',
		static function ( $ports, $host, $url ) {
			if ( in_array( strtolower( (string) $host ), array( '127.0.0.1', 'localhost' ), true ) ) {
				$ports[] = (int) wp_parse_url( $url, PHP_URL_PORT );
			}
			return $ports;
		},
		10,
		3
	);
	foreach ( array( '_maybe_update_core', '_maybe_update_plugins', '_maybe_update_themes' ) as $igny8_check ) {
		remove_action( 'admin_init', $igny8_check );
	}
	remove_action( 'wp_version_check', 'wp_version_check' );
	remove_action( 'load-plugins.php', 'wp_update_plugins' );
	remove_action( 'load-update-core.php', 'wp_update_plugins' );
	remove_action( 'load-themes.php', 'wp_update_themes' );
	remove_action( 'load-update-core.php', 'wp_update_themes' );
}
